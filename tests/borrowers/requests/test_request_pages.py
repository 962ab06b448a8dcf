"""A request's pages: the list, the detail with its history and answers,
and what the borrower can do there; each only for the request's borrower."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from borrowerrequests import services
from borrowerrequests.models import Kind, PlanAnswer, SensitiveConsent, Status
from complaints.models import Complaint
from complaints.uploads import check_uploads

from .conftest import PNG

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_borrowers_own_requests(client_for, file_request, others_request):
    mine = file_request(Kind.STOP_THIRD_PARTY)
    content = client_for.get(reverse("requests:list")).content.decode()
    assert mine.reference in content
    assert others_request.reference not in content


def test_the_list_needs_sign_in(db):
    response = Client().get(reverse("requests:list"))
    assert (response.status_code, reverse("portal:signin") in response.url) == (302, True)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("requests:detail", "get"),
        ("requests:receipt", "get"),
        ("requests:withdraw", "post"),
        ("requests:accept_offer", "post"),
        ("requests:escalate", "post"),
        ("requests:revoke_consent", "post"),
    ],
)
def test_another_borrowers_request_is_not_found(client_for, others_request, name, method):
    response = getattr(client_for, method)(reverse(name, args=[others_request.reference]), {"confirm": "on"})
    assert response.status_code == 404
    others_request.refresh_from_db()
    assert others_request.status == Status.FILED


@pytest.mark.parametrize("name", ["requests:detail", "requests:receipt"])
def test_a_request_page_needs_sign_in(others_request, name):
    response = Client().get(reverse(name, args=[others_request.reference]))
    assert response.status_code == 302


def test_another_borrowers_file_is_not_found(client_for, other, now):
    borrower, account = other
    checked = check_uploads([SimpleUploadedFile("x.png", PNG, content_type="image/png")])
    filed, _ = services.request_file(
        borrower=borrower,
        user=borrower.user,
        kind=Kind.DISPUTE,
        account=account,
        reason="not_mine",
        idempotency_key="k1",
        files=checked,
        now=now,
    )
    evidence = filed.evidence.get()
    response = client_for.get(reverse("requests:file", args=[filed.reference, evidence.pk]))
    assert response.status_code == 404


def test_the_borrower_downloads_their_own_file_as_an_attachment(client_for, file_request):
    checked = check_uploads([SimpleUploadedFile("x.png", PNG, content_type="image/png")])
    filed = file_request(Kind.DISPUTE, files=checked)
    evidence = filed.evidence.get()
    response = client_for.get(reverse("requests:file", args=[filed.reference, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_the_detail_shows_the_history_the_borrower_may_read(client_for, file_request):
    filed = file_request(Kind.DISPUTE)
    response = client_for.get(reverse("requests:detail", args=[filed.reference]))
    assert response.status_code == 200
    assert {event.kind for event in response.context["events"]} >= {"filed", "receipt_sent"}
    assert response.context["can_withdraw"] is True


def test_withdrawing_ends_the_effect_from_the_time_given(client_for, file_request, now):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    later = (now + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    response = client_for.post(
        reverse("requests:withdraw", args=[filed.reference]),
        {"confirm": "on", "effective_at": later.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    filed.refresh_from_db()
    assert response.status_code == 302
    assert filed.status == Status.WITHDRAWN
    assert filed.effects_end_at is not None and filed.effects_end_at > now


def test_withdrawing_needs_the_confirmation(client_for, file_request):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    response = client_for.post(reverse("requests:withdraw", args=[filed.reference]), {})
    filed.refresh_from_db()
    assert (response.status_code, filed.status) == (400, Status.FILED)


def test_a_refusal_by_the_service_is_shown_as_a_message(client_for, file_request, now):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    past = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for.post(
        reverse("requests:withdraw", args=[filed.reference]),
        {"confirm": "on", "effective_at": past},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    filed.refresh_from_db()
    assert filed.status == Status.FILED
    assert "not from the past" in response.content.decode()


def test_the_borrower_accepts_a_counter_offer(client_for, file_request, staff, now):
    filed = file_request(Kind.REPAYMENT_PLAN)
    services.plan_offer(
        request=filed,
        by=staff,
        amount_per_month="300",
        instalments=[((now + datetime.timedelta(days=30)).date(), "300")],
        measures="cancel",
        reasons="We can agree 300 a month.",
        now=now,
    )
    page = client_for.get(reverse("requests:detail", args=[filed.reference]))
    assert page.context["can_accept_offer"] is True
    client_for.post(reverse("requests:accept_offer", args=[filed.reference]))
    filed.refresh_from_db()
    assert filed.status == Status.PLAN_ACCEPTED
    assert PlanAnswer.objects.get(request=filed).agreed_at is not None


def test_a_verified_dispute_is_taken_further_as_a_complaint(client_for, file_request, staff, now):
    filed = file_request(Kind.DISPUTE)
    services.dispute_verify(request=filed, by=staff, statement="Signed contract and ledger attached.", now=now)
    page = client_for.get(reverse("requests:detail", args=[filed.reference]))
    assert page.context["verification"].statement == "Signed contract and ledger attached."
    response = client_for.post(
        reverse("requests:escalate", args=[filed.reference]),
        {"submit_token": str(uuid.uuid4()), "description": "The ledger is not mine; I never signed."},
    )
    complaint = Complaint.objects.get()
    assert response.url == reverse("complaints:submitted", args=[complaint.reference])
    filed.refresh_from_db()
    assert filed.complaint == complaint


@pytest.mark.parametrize(("with_files", "points_to_files"), [(True, True), (False, False)])
def test_a_verification_points_to_the_lenders_files_only_when_there_are_some(
    client_for, file_request, staff, now, with_files, points_to_files
):
    filed = file_request(Kind.DISPUTE)
    files = check_uploads([SimpleUploadedFile("ledger.png", PNG)]) if with_files else []
    services.dispute_verify(request=filed, by=staff, statement="Ledger attached.", files=files, now=now)
    page = client_for.get(reverse("requests:detail", args=[filed.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert ("listed under Files above" in page.content.decode()) is points_to_files


def test_the_receipt_names_the_request_number(client_for, file_request):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    page = client_for.get(reverse("requests:receipt", args=[filed.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f'申请编号</dt><dd class="col-7 nowrap fw-semibold">{filed.reference}' in page.content.decode()


def test_an_unanswered_dispute_offers_no_escalation(client_for, file_request):
    filed = file_request(Kind.DISPUTE)
    page = client_for.get(reverse("requests:detail", args=[filed.reference]))
    assert page.context["can_escalate"] is False


def test_revoking_consent_erases_the_details(client_for, file_request):
    filed = file_request(Kind.VULNERABILITY)
    page = client_for.get(reverse("requests:detail", args=[filed.reference]))
    assert page.context["consent"].revoked_at is None
    client_for.post(reverse("requests:revoke_consent", args=[filed.reference]), {"confirm": "on"})
    filed.refresh_from_db()
    assert SensitiveConsent.objects.get().revoked_at is not None
    assert (filed.status, filed.reason, filed.words) == (Status.CONSENT_REVOKED, "", "")


def test_the_account_page_shows_requests_in_force_and_the_menu(client_for, account, file_request):
    filed = file_request(Kind.RESTRICT_CONTACT)
    response = client_for.get(reverse("portal:account", args=[account.reference]))
    content = response.content.decode()
    assert [row.request for row in response.context["requests_here"]] == [filed]
    assert reverse("requests:new", args=[Kind.VULNERABILITY]) + f"?account={account.reference}" in content


def test_the_account_page_shows_person_wide_requests(client_for, account, file_request):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    response = client_for.get(reverse("portal:account", args=[account.reference]))
    assert [row.request for row in response.context["requests_here"]] == [filed]


def test_the_account_page_leaves_out_a_withdrawn_request(client_for, account, borrower, file_request, now):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    services.request_withdraw(request=filed, borrower=borrower, now=now)
    response = client_for.get(reverse("portal:account", args=[account.reference]))
    assert response.context["requests_here"] == []


def test_the_account_page_shows_an_agreed_plans_instalments(client_for, account, file_request, staff, now):
    filed = file_request(Kind.REPAYMENT_PLAN)
    due = (now + datetime.timedelta(days=30)).date()
    services.plan_accept(request=filed, by=staff, instalments=[(due, "500")], measures="cancel", now=now)
    response = client_for.get(reverse("portal:account", args=[account.reference]))
    assert due.strftime("%Y-%m-%d") in response.content.decode()


def test_another_borrowers_requests_stay_off_the_account_page(client_for, account, others_request):
    response = client_for.get(reverse("portal:account", args=[account.reference]))
    assert response.context["requests_here"] == []


def test_the_inbox_links_the_receipt_to_the_request(client_for, file_request, borrower):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    notice = borrower.notices.get(event="request.received")
    response = client_for.get(reverse("notices:detail", args=[notice.pk]))
    assert reverse("requests:receipt", args=[filed.reference]) in response.content.decode()


def test_the_menu_of_kinds_speaks_the_pages_language(client_for, account):
    url = reverse("portal:account", args=[account.reference])
    english = client_for.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client_for.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    label = "Stop contact with my family and other third parties"
    assert (label in english, label in chinese) == (True, False)


def test_an_unticked_confirmation_says_to_tick_it(client_for, file_request):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    response = client_for.post(reverse("requests:withdraw", args=[filed.reference]), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Tick the box to confirm." in response.content.decode()


def test_what_a_request_changes_reads_without_spaces_in_chinese(client_for, file_request):
    filed = file_request(Kind.DISPUTE)
    page = client_for.get(reverse("requests:detail", args=[filed.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "的外部催收机构须停止" in page.content.decode()
