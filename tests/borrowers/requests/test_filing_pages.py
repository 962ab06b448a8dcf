"""Filing a request from the borrower's pages: the menu, one form per kind,
the service's refusals shown on the form, and the receipt."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from borrowerrequests.models import BorrowerRequest, Kind, SensitiveConsent

from .conftest import PNG

pytestmark = pytest.mark.django_db


def post_new(client, kind, **data):
    payload = {"submit_token": str(uuid.uuid4()), **data}
    return client.post(reverse("requests:new", args=[kind]), payload)


def test_menu_lists_the_five_kinds_each_with_its_line(client_for):
    response = client_for.get(reverse("requests:menu"))
    assert response.status_code == 200
    for kind in Kind.values:
        assert reverse("requests:new", args=[kind]).encode() in response.content


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_has_a_form(client_for, kind):
    response = client_for.get(reverse("requests:new", args=[kind]))
    assert response.status_code == 200
    assert b'name="submit_token"' in response.content


def test_the_only_loan_is_chosen_already(client_for, account):
    response = client_for.get(reverse("requests:new", args=[Kind.DISPUTE]))
    assert response.context["form"].initial["account"] == account.reference


def test_an_unknown_kind_is_not_found(client_for):
    assert client_for.get(reverse("requests:new", args=["nonsense"])).status_code == 404


def test_a_dispute_with_a_file_is_filed_and_its_receipt_shown(client_for, account):
    response = client_for.post(
        reverse("requests:new", args=[Kind.DISPUTE]),
        {
            "submit_token": str(uuid.uuid4()),
            "account": account.reference,
            "reason": "already_paid",
            "words": "Paid in full in October.",
            "files": [SimpleUploadedFile("bank.png", PNG, content_type="image/png")],
        },
    )
    filed = BorrowerRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("requests:receipt", args=[filed.reference])
    assert [(item.original_name, item.size) for item in filed.evidence.all()] == [("bank.png", len(PNG))]


def test_the_same_submission_twice_files_one_request(client_for, account):
    data = {"submit_token": str(uuid.uuid4()), "account": account.reference, "reason": "not_mine"}
    first = client_for.post(reverse("requests:new", args=[Kind.DISPUTE]), data)
    second = client_for.post(reverse("requests:new", args=[Kind.DISPUTE]), data)
    assert BorrowerRequest.objects.count() == 1
    assert first.url == second.url


def test_a_bad_amount_is_refused_on_its_field_with_the_services_reason(client_for, account):
    response = post_new(
        client_for, Kind.REPAYMENT_PLAN, account=account.reference, reason="illness", amount_per_month="abc"
    )
    assert response.status_code == 400
    assert "amount_per_month" in response.context["form"].errors
    assert not BorrowerRequest.objects.exists()


def test_every_problem_of_a_request_is_shown_at_once_beside_its_field(client_for, account):
    response = post_new(client_for, Kind.REPAYMENT_PLAN, reason="because", amount_per_month="八百块")
    assert sorted(response.context["form"].errors) == ["account", "amount_per_month", "reason"]


def test_a_reason_not_offered_is_refused_on_its_field(client_for, account):
    response = post_new(client_for, Kind.DISPUTE, account=account.reference, reason="because")
    assert "reason" in response.context["form"].errors


def test_a_restriction_ending_in_the_past_is_refused_on_its_date(client_for, account):
    response = post_new(
        client_for,
        Kind.RESTRICT_CONTACT,
        account=account.reference,
        reason="not_at_work",
        restricted_until="2020-01-01",
    )
    assert "restricted_until" in response.context["form"].errors


def test_another_borrowers_loan_cannot_be_chosen(client_for, other):
    response = post_new(client_for, Kind.DISPUTE, account=other[1].reference, reason="not_mine")
    assert response.status_code == 400
    assert not BorrowerRequest.objects.exists()


def test_a_restriction_until_a_date_is_filed_with_its_period(client_for, account, now):
    day = (now + datetime.timedelta(days=30)).date()
    post_new(
        client_for,
        Kind.RESTRICT_CONTACT,
        account=account.reference,
        reason="written_only",
        restricted_until=day.isoformat(),
    )
    assert BorrowerRequest.objects.get().restricted_until == day


def test_the_consent_box_is_unticked_and_its_text_shown_in_full(client_for):
    response = client_for.get(reverse("requests:new", args=[Kind.VULNERABILITY]))
    form = response.context["form"]
    assert form["consent_given"].value() in (None, False)
    assert b'name="consent_given" class="form-check-input" checked' not in response.content
    assert str(form.fields["consent_given"].help_text) in response.content.decode()


def test_a_vulnerability_without_consent_is_refused_on_the_consent_box(client_for):
    response = post_new(client_for, Kind.VULNERABILITY, reason="student")
    assert response.status_code == 400
    assert "consent_given" in response.context["form"].errors
    assert not BorrowerRequest.objects.exists()


def test_a_vulnerability_with_consent_records_the_consent(client_for, borrower):
    post_new(client_for, Kind.VULNERABILITY, reason="bereavement", consent_given="on")
    consent = SensitiveConsent.objects.get()
    assert (consent.borrower, consent.request.reason) == (borrower, "bereavement")


def test_a_stop_on_third_party_contact_needs_nothing_but_sending(client_for, borrower):
    response = post_new(client_for, Kind.STOP_THIRD_PARTY)
    assert response.status_code == 302
    assert BorrowerRequest.objects.get().kind == Kind.STOP_THIRD_PARTY


def test_the_receipt_says_what_changes_for_whom_from_when(client_for, file_request):
    filed = file_request(Kind.DISPUTE)
    response = client_for.get(reverse("requests:receipt", args=[filed.reference]), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200
    assert filed.reference in content
    assert "Immediately: in force from the moment we received your request." in content
    assert response.context["r"].staff_due_at == filed.staff_due_at


def test_the_filing_pages_need_sign_in(db):
    response = Client().get(reverse("requests:new", args=[Kind.DISPUTE]))
    assert response.status_code == 302
    assert reverse("portal:signin") in response.url


def test_staff_are_not_borrowers_here(staff):
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("requests:list")).status_code == 403


def test_the_receipt_prints_with_the_print_stylesheet(client_for, file_request):
    filed = file_request(Kind.STOP_THIRD_PARTY)
    content = client_for.get(reverse("requests:receipt", args=[filed.reference])).content.decode()
    assert 'href="/static/css/print.css" media="print"' in content
    assert "style=" not in content
