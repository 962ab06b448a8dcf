import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Complaint, Evidence, Status
from tests.factories import BorrowerFactory, ContactEventFactory, LoanAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture
def client_for(borrower):
    client = Client()
    client.force_login(borrower.user)
    return client


def form_data(loan, **overrides):
    data = {
        "submit_token": str(uuid.uuid4()),
        "account": loan.reference,
        "category": "CT-HOURS",
        "incident_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "description": "They called me at 23:00 three nights in a row.",
        "desired_outcome": "Stop calling at night.",
        "consent_to_share": "on",
    }
    data.update(overrides)
    return data


def post_new(client, data, files=()):
    payload = dict(data)
    if files:
        payload["files"] = list(files)
    return client.post(reverse("complaints:new"), payload)


def test_new_form_renders_grouped_categories(client_for, account):
    response = client_for.get(reverse("complaints:new"), {"account": account.reference})
    assert response.status_code == 200
    assert b"<optgroup" in response.content
    assert response.context["form"].initial["account"] == account.reference


def test_new_form_prefills_from_a_contact_event(client_for, account, agency):
    event = ContactEventFactory(account=account, agency=agency, from_number="+862161234567")
    response = client_for.get(reverse("complaints:new"), {"account": account.reference, "event": event.pk})
    initial = response.context["form"].initial
    assert (initial["contact_event"], initial["caller_number"], initial["named_agency"]) == (
        event.pk,
        "021 6123 4567",
        agency.name,
    )


def test_new_form_ignores_another_borrowers_contact_event(client_for, account):
    event = ContactEventFactory()
    response = client_for.get(reverse("complaints:new"), {"event": event.pk})
    assert "contact_event" not in response.context["form"].initial


def test_new_form_from_a_failed_caller_check_prefills_the_number(client_for, account):
    response = client_for.get(reverse("complaints:new"), {"number": "021 6123 4567"})
    initial = response.context["form"].initial
    assert (initial["caller_number"], initial["category"]) == ("021 6123 4567", "AG-UNAUTH")


def test_submit_creates_complaint_and_shows_reference(client_for, account, in_house):
    response = post_new(client_for, form_data(account))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("complaints:submitted", kwargs={"reference": complaint.reference})
    page = client_for.get(response.url)
    assert complaint.reference in page.content.decode()


def test_double_submit_with_one_token_creates_one_complaint(client_for, account, in_house):
    data = form_data(account)
    first = post_new(client_for, data)
    second = post_new(client_for, data)
    assert Complaint.objects.count() == 1
    assert first.url == second.url


@pytest.mark.parametrize(
    "field,value",
    [
        ("description", "too short"),
        ("description", "x" * 5001),
        ("category", "NOPE"),
        ("category", ""),
        ("incident_at", ""),
        ("incident_at", "not a date"),
        ("caller_number", "12"),
        ("account", "LN-NOT-MINE"),
        ("submit_token", "not-a-uuid"),
    ],
)
def test_each_form_error_keeps_what_was_typed(client_for, account, field, value):
    data = form_data(account, **{field: value})
    response = post_new(client_for, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Complaint.objects.count() == 0
    assert "Stop calling at night." in response.content.decode()


def test_future_incident_time_is_refused(client_for, account):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_new(client_for, form_data(account, incident_at=future))
    assert "incident_at" in response.context["form"].errors


def test_contact_event_of_another_borrower_is_refused(client_for, account):
    event = ContactEventFactory()
    response = post_new(client_for, form_data(account, contact_event=event.pk))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_account_of_another_borrower_is_refused(client_for, in_house):
    response = post_new(client_for, form_data(LoanAccountFactory()))
    assert not Complaint.objects.exists()
    assert response.context["form"].errors


def test_upload_with_wrong_content_behind_right_extension_is_refused(client_for, account):
    fake = SimpleUploadedFile("recording.mp3", b"<html><script>alert(1)</script></html>", content_type="audio/mpeg")
    response = post_new(client_for, form_data(account), files=[fake])
    assert response.status_code == 400
    assert "recording.mp3" in str(response.context["form"].errors["files"])
    assert "choose your files again" in response.content.decode()
    assert "Stop calling at night." in response.content.decode()


def test_upload_of_an_empty_file_is_refused(client_for, account):
    response = post_new(client_for, form_data(account), files=[SimpleUploadedFile("empty.png", b"")])
    assert "files" in response.context["form"].errors


def test_upload_of_more_than_five_files_is_refused(client_for, account):
    files = [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)]
    response = post_new(client_for, form_data(account), files=files)
    assert "files" in response.context["form"].errors


def test_upload_too_large_is_refused(client_for, account, settings, monkeypatch):
    from complaints import uploads

    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 50)
    response = post_new(client_for, form_data(account), files=[SimpleUploadedFile("big.png", PNG)])
    assert "files" in response.context["form"].errors


def test_upload_is_stored_privately_with_hash_and_clean_name(client_for, account, in_house, settings):
    upload = SimpleUploadedFile("..\\..//etc/pass<wd>.pdf", PDF, content_type="text/html")
    post_new(client_for, form_data(account), files=[upload])
    evidence = Evidence.objects.get()
    import hashlib
    from pathlib import Path

    stored = Path(settings.PRIVATE_MEDIA_ROOT) / "evidence" / evidence.storage_name
    assert (evidence.original_name, evidence.content_type, evidence.size) == ("passwd.pdf", "application/pdf", len(PDF))
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.read_bytes() == PDF
    assert "pass" not in evidence.storage_name


@pytest.mark.parametrize("in_memory", [True, False], ids=["read whole", "streamed to a temporary file"])
def test_a_large_upload_is_stored_whole_with_its_hash(client_for, account, in_house, settings, in_memory):
    import hashlib
    from pathlib import Path

    large = PNG + bytes(range(256)) * 4096  # 1 MB: many of the parser's chunks
    if not in_memory:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = post_new(client_for, form_data(account), files=[SimpleUploadedFile("call.png", large)])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    stored = (Path(settings.PRIVATE_MEDIA_ROOT) / "evidence" / evidence.storage_name).read_bytes()
    assert (stored, evidence.size, evidence.sha256) == (large, len(large), hashlib.sha256(stored).hexdigest())


def test_evidence_download_is_an_attachment_with_our_type_and_sandbox(client_for, account, in_house):
    post_new(client_for, form_data(account), files=[SimpleUploadedFile("photo.png", PNG, content_type="image/svg+xml")])
    evidence = Evidence.objects.get()
    response = client_for.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG


@pytest.fixture
def others_complaint(submit):
    other = BorrowerFactory(user=UserFactory())
    account = LoanAccountFactory(borrower=other)
    complaint = submit(borrower=other, user=other.user, account=account)
    from complaints.services.evidence import evidence_add
    from complaints.uploads import check_upload

    evidence_add(
        complaint=complaint,
        files=[check_upload(SimpleUploadedFile("p.png", PNG))],
        party="borrower",
        user=other.user,
        now=complaint.submitted_at,
    )
    return complaint


@pytest.mark.parametrize("name", ["detail", "submitted"])
def test_other_borrowers_complaint_pages_are_404(client_for, others_complaint, name):
    response = client_for.get(reverse(f"complaints:{name}", kwargs={"reference": others_complaint.reference}))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["reply", "withdraw", "accept", "reject", "review", "rate"])
def test_other_borrowers_complaint_actions_are_404(client_for, others_complaint, name):
    response = client_for.post(
        reverse(f"complaints:{name}", kwargs={"reference": others_complaint.reference}),
        {"text": "hello there", "confirm": "on", "rating": "5", "reject-reason": "nope nope", "review-reason": "again"},
    )
    assert response.status_code == 404
    others_complaint.refresh_from_db()
    assert others_complaint.status == Status.SUBMITTED


def test_other_borrowers_evidence_is_404(client_for, others_complaint):
    evidence = others_complaint.evidence.get()
    response = client_for.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    assert response.status_code == 404


def test_other_borrowers_complaint_is_not_listed(client_for, others_complaint):
    response = client_for.get(reverse("complaints:list"))
    assert others_complaint.reference not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(account):
    response = Client().get(reverse("complaints:new"))
    assert response.status_code == 302
    assert reverse("portal:signin") in response.url


def test_state_changing_views_refuse_get(client_for, submit):
    complaint = submit()
    response = client_for.get(reverse("complaints:withdraw", kwargs={"reference": complaint.reference}))
    assert response.status_code == 405


def test_submit_needs_csrf_token(borrower, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(borrower.user)
    response = client.post(reverse("complaints:new"), form_data(account))
    assert response.status_code == 403


def test_detail_shows_only_borrower_visible_timeline(client_for, routed):
    complaint = routed()
    from complaints.services import complaint_note_add

    complaint_note_add(
        complaint=complaint, author=None, visibility="internal", text="secret staff note", now=complaint.submitted_at
    )
    complaint_note_add(
        complaint=complaint, author=None, visibility="borrower", text="hello borrower", now=complaint.submitted_at
    )
    page = client_for.get(reverse("complaints:detail", kwargs={"reference": complaint.reference})).content.decode()
    assert "hello borrower" in page
    assert "secret staff note" not in page


@pytest.mark.parametrize(
    ("consent", "says"),
    [
        (True, "The agency sees your description, your files and your later messages."),
        (False, "The agency learns only which contact and what kind of conduct you complain about"),
    ],
)
def test_detail_says_what_the_agency_sees(client_for, routed, consent, says):
    complaint = routed(consent_to_share=consent)
    page = client_for.get(
        reverse("complaints:detail", kwargs={"reference": complaint.reference}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert says in page


def test_borrower_withdraws_own_complaint(client_for, routed):
    complaint = routed()
    response = client_for.post(
        reverse("complaints:withdraw", kwargs={"reference": complaint.reference}), {"confirm": "on"}
    )
    complaint.refresh_from_db()
    assert response.status_code == 302
    assert complaint.status == Status.WITHDRAWN


def test_withdraw_without_confirmation_is_refused(client_for, routed):
    complaint = routed()
    response = client_for.post(reverse("complaints:withdraw", kwargs={"reference": complaint.reference}), {})
    complaint.refresh_from_db()
    assert response.status_code == 400
    assert complaint.status == Status.WITH_AGENCY


def test_refused_action_shows_a_message(client_for, routed):
    complaint = routed()
    response = client_for.post(reverse("complaints:accept", kwargs={"reference": complaint.reference}), follow=True)
    assert response.status_code == 200
    errors = re.findall(r'<div class="alert alert-danger" role="status">(.*?)</div>', response.content.decode())
    assert any("decision" in m.lower() or "决定" in m for m in errors)


def test_pages_have_no_inline_script_or_style(client_for, routed):
    complaint = routed()
    for url in (
        reverse("complaints:new"),
        reverse("complaints:list"),
        reverse("complaints:detail", kwargs={"reference": complaint.reference}),
        reverse("complaints:submitted", kwargs={"reference": complaint.reference}),
    ):
        body = client_for.get(url).content.decode()
        assert "<script>" not in body and "style=" not in body and "<style" not in body


def test_account_page_shows_a_hold_in_force(client_for, routed, account, agency):
    from tests.complaints.conftest import category

    complaint = routed(category=category("TH-VIOLENCE"))
    page = client_for.get(reverse("portal:account", kwargs={"reference": account.reference})).content.decode()
    assert complaint.reference in page
    assert "holds-heading" in page


def test_account_page_shows_no_hold_block_without_a_hold(client_for, routed, account):
    routed()
    page = client_for.get(reverse("portal:account", kwargs={"reference": account.reference})).content.decode()
    assert "holds-heading" not in page


@pytest.fixture
def agency_client(agency):
    from agencies.models import AgencyMembership
    from agencies.verification import VERIFIED_SESSION_KEY

    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=agency)
    client = Client()
    client.force_login(user)
    session = client.session
    session[VERIFIED_SESSION_KEY] = True
    session.save()
    return client


def _complaint_with_file(routed, borrower, *, consent: bool):
    from complaints.services.evidence import evidence_add
    from complaints.uploads import check_upload

    complaint = routed(consent_to_share=consent)
    evidence_add(
        complaint=complaint,
        files=[check_upload(SimpleUploadedFile("p.png", PNG))],
        party="borrower",
        user=borrower.user,
        now=complaint.submitted_at,
    )
    return complaint.evidence.get()


def test_borrower_cannot_download_the_agencys_file_on_their_own_complaint(client_for, routed, agency):
    from complaints.services.evidence import evidence_add
    from complaints.uploads import check_upload

    complaint = routed()
    [evidence] = evidence_add(
        complaint=complaint,
        files=[check_upload(SimpleUploadedFile("call-log.pdf", PDF))],
        party="agency",
        agency=agency,
        user=UserFactory(),
        now=complaint.submitted_at,
    )
    assert client_for.get(reverse("complaints:evidence", kwargs={"token": evidence.token})).status_code == 404


def test_agency_member_downloads_evidence_the_borrower_shared(agency_client, routed, borrower):
    evidence = _complaint_with_file(routed, borrower, consent=True)
    response = agency_client.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    assert response.status_code == 200


def test_agency_member_cannot_download_evidence_not_shared(agency_client, routed, borrower):
    evidence = _complaint_with_file(routed, borrower, consent=False)
    response = agency_client.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    assert response.status_code == 404


def test_agency_member_without_second_factor_cannot_download(agency_client, routed, borrower):
    from agencies.verification import VERIFIED_SESSION_KEY

    evidence = _complaint_with_file(routed, borrower, consent=True)
    session = agency_client.session
    del session[VERIFIED_SESSION_KEY]
    session.save()
    response = agency_client.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    assert response.status_code == 404


def test_other_agency_member_cannot_download(routed, borrower):
    from agencies.models import AgencyMembership
    from agencies.verification import VERIFIED_SESSION_KEY
    from tests.factories import AgencyFactory

    evidence = _complaint_with_file(routed, borrower, consent=True)
    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=AgencyFactory())
    client = Client()
    client.force_login(user)
    session = client.session
    session[VERIFIED_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("complaints:evidence", kwargs={"token": evidence.token})).status_code == 404


def test_staff_need_the_evidence_permission(routed, borrower):
    from django.contrib.auth.models import Permission

    evidence = _complaint_with_file(routed, borrower, consent=False)
    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    url = reverse("complaints:evidence", kwargs={"token": evidence.token})
    assert client.get(url).status_code == 404
    staff.user_permissions.add(Permission.objects.get(codename="view_complaint_evidence"))
    assert client.get(url).status_code == 200


def test_staff_download_is_recorded(routed, borrower):
    from django.contrib.auth.models import Permission

    from accesslog.models import DataAccessRecord

    evidence = _complaint_with_file(routed, borrower, consent=False)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_complaint_evidence"))
    client = Client()
    client.force_login(staff)
    client.get(reverse("complaints:evidence", kwargs={"token": evidence.token}))
    record = DataAccessRecord.objects.get()
    assert (record.user, record.subject) == (staff, f"evidence {evidence.pk} of {evidence.complaint.reference}")


def test_evidence_is_deleted_when_retention_ends_and_no_longer_served(client_for, routed, borrower, settings):
    from pathlib import Path

    from complaints import services

    evidence = _complaint_with_file(routed, borrower, consent=False)
    complaint = evidence.complaint
    services.complaint_withdraw(
        complaint=complaint, borrower=borrower, user=None, reason="", now=complaint.submitted_at
    )
    complaint.refresh_from_db()
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "evidence" / evidence.storage_name
    assert services.sla_sweep(now=complaint.evidence_kept_until - datetime.timedelta(days=1))["evidence_purged"] == 0
    assert path.exists()
    assert services.sla_sweep(now=complaint.evidence_kept_until)["evidence_purged"] == 1
    evidence.refresh_from_db()
    assert evidence.purged_at is not None and not path.exists()
    assert client_for.get(reverse("complaints:evidence", kwargs={"token": evidence.token})).status_code == 404


def test_evidence_is_kept_three_years_after_the_end(routed, borrower):
    from complaints import services

    complaint = routed()
    services.complaint_withdraw(
        complaint=complaint, borrower=borrower, user=None, reason="", now=complaint.submitted_at
    )
    complaint.refresh_from_db()
    assert complaint.evidence_kept_until >= complaint.withdrawn_at + datetime.timedelta(days=3 * 365)


def test_reopening_keeps_evidence_again(routed, borrower):
    from complaints import services
    from complaints.models import Complaint

    complaint = routed()
    Complaint.objects.filter(pk=complaint.pk).update(status="closed", closed_reason="staff")
    complaint.refresh_from_db()
    staff = UserFactory(is_staff=True)
    services.complaint_reopen(complaint=complaint, by=staff, reason="New facts", now=complaint.submitted_at)
    complaint.refresh_from_db()
    assert complaint.evidence_kept_until is None


def test_open_question_is_shown_until_answered(client_for, routed):
    from complaints import services

    complaint = routed()
    staff = UserFactory(is_staff=True)
    services.complaint_request_information(
        complaint=complaint, by=staff, question="Which number called you?", now=timezone.now()
    )
    url = reverse("complaints:detail", kwargs={"reference": complaint.reference})
    assert client_for.get(url).context["question"].text == "Which number called you?"
    client_for.post(reverse("complaints:reply", kwargs={"reference": complaint.reference}), {"text": "021 6123 4567"})
    complaint.refresh_from_db()
    assert complaint.waiting_on_borrower_since is None
    assert client_for.get(url).context["question"] is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Between 10 and 5000 characters"), ("zh-hans", "10 至 5000 个字")],
)
def test_new_form_help_is_in_the_borrowers_language(client_for, account, language, expected):
    response = client_for.get(reverse("complaints:new"), {"account": account.reference}, HTTP_ACCEPT_LANGUAGE=language)
    assert expected in response.content.decode()


def test_description_is_stored_without_a_right_to_left_override(client_for, account, in_house):
    post_new(client_for, form_data(account, description="They called at 23:00 \u202eevery night this week."))
    assert Complaint.objects.get().description == "They called at 23:00 every night this week."


def test_s1_confirmation_says_what_happens_when_the_lenders_own_team_handles_it(client_for, borrower, in_house):
    # No agency ever held this account: routing gives it to the in-house team.
    account = LoanAccountFactory(borrower=borrower)
    post_new(client_for, form_data(account, category="TH-VIOLENCE"))
    complaint = Complaint.objects.get()
    assert complaint.severity == 1
    response = client_for.get(
        reverse("complaints:submitted", kwargs={"reference": complaint.reference}), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert "the agency named must stop" not in content
    assert "handled by the lender's own team" in content


def test_s1_confirmation_tells_the_borrower_the_outside_agency_must_stop(client_for, account, in_house):
    post_new(client_for, form_data(account, category="TH-VIOLENCE"))
    complaint = Complaint.objects.get()
    response = client_for.get(
        reverse("complaints:submitted", kwargs={"reference": complaint.reference}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "the agency named must stop" in response.content.decode()


def test_new_form_shows_which_contact_the_complaint_is_about(client_for, account, agency):
    event = ContactEventFactory(account=account, agency=agency, from_number="+862160881701")
    response = client_for.get(reverse("complaints:new"), {"account": account.reference, "event": event.pk})
    assert response.context["contact"] == event
    content = response.content.decode()
    assert 'id="complained-contact"' in content
    assert "021 6088 1701" in content


def test_new_form_shows_no_contact_of_another_borrower(client_for, account):
    event = ContactEventFactory()
    response = client_for.get(reverse("complaints:new"), {"event": event.pk})
    assert response.context["contact"] is None


def test_new_form_shows_a_category_renamed_after_it_was_last_shown(client_for, account):
    client_for.get(reverse("complaints:new"))
    category = Category.objects.get(code="CT-HOURS")
    category.label_en = "Calls at night or before dawn"
    category.save()
    response = client_for.get(reverse("complaints:new"))
    assert "Calls at night or before dawn" in response.content.decode()


def test_new_form_refuses_a_category_withdrawn_after_it_was_last_shown(client_for, account):
    client_for.get(reverse("complaints:new"))
    category = Category.objects.get(code="CT-HOURS")
    category.is_active = False
    category.save()
    response = post_new(client_for, form_data(account))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_new_form_offers_the_categories_in_each_visitors_language(client_for, account):
    """The choices are kept per process: each language keeps its own."""
    url = reverse("complaints:new")
    english = client_for.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client_for.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english_again = client_for.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    category = Category.objects.get(code="CT-HOURS")
    assert category.label_en in english and category.label_en in english_again
    assert category.label_zh in chinese and category.label_en not in chinese


def _language_next(response) -> str:
    import html
    import re

    switch = re.search(r'class="language-switch">(.*?)</form>', response.content.decode(), re.S).group(1)
    return html.unescape(re.search(r'name="next" type="hidden" value="([^"]*)"', switch).group(1))


def test_language_switch_on_a_refused_reply_returns_to_the_complaint(client_for, routed):
    complaint = routed()
    page = reverse("complaints:detail", kwargs={"reference": complaint.reference})
    response = client_for.post(
        reverse("complaints:reply", kwargs={"reference": complaint.reference}),
        {"text": ""},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert _language_next(response) == page


def test_language_switch_ignores_a_referer_from_another_site(client_for, routed):
    complaint = routed()
    reply = reverse("complaints:reply", kwargs={"reference": complaint.reference})
    response = client_for.post(reply, {"text": ""}, HTTP_REFERER="https://evil.example/complaints/")
    assert _language_next(response) == reply
