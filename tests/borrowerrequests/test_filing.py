import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from borrowerrequests import services
from borrowerrequests.models import BorrowerRequest, Kind, RequestEvent, RequestEvidence, SensitiveConsent, Status
from complaints.uploads import check_uploads
from loans.models import Restriction
from notices.issuing import DELIVERY_KIND
from notices.models import Notice, NoticeDelivery
from outbox.models import Obligation
from tests.factories import LoanAccountFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

RKind = Restriction.Kind
EXPECTED_RESTRICTION = {
    Kind.DISPUTE: (RKind.COLLECTION_HOLD, True),
    Kind.STOP_THIRD_PARTY: (RKind.NO_THIRD_PARTY, False),
    Kind.RESTRICT_CONTACT: (RKind.WRITTEN_ONLY, True),
    Kind.REPAYMENT_PLAN: (RKind.MEASURES_PAUSED, True),
    Kind.VULNERABILITY: (RKind.STRICTER_CARE, False),
}


@pytest.mark.parametrize("kind", Kind.values)
def test_filing_places_the_kinds_restriction_from_receipt(file_request, account, kind):
    request = file_request(kind)
    restriction = Restriction.objects.get(source=f"request:{request.reference}")
    expected_kind, on_account = EXPECTED_RESTRICTION[kind]
    assert (restriction.kind, restriction.starts_at, restriction.ends_at) == (expected_kind, NOW, None)
    assert restriction.account == (account if on_account else None)
    assert restriction.agency is None


@pytest.mark.parametrize("kind", Kind.values)
def test_filing_puts_a_dated_receipt_in_the_inbox_and_on_the_chosen_channel(file_request, kind):
    request = file_request(kind)
    notice = Notice.objects.get(key=f"request:{request.pk}:request.received:receipt")
    assert notice.status == Notice.Status.ISSUED and notice.issued_at == NOW
    assert request.reference in notice.body_en and request.reference in notice.body_zh
    assert "25 Nov 2026 10:00" in notice.body_en
    assert "2026年11月25日 10:00" in notice.body_zh
    sms = NoticeDelivery.objects.get(notice=notice, channel=NoticeDelivery.Channel.SMS)
    assert Obligation.objects.filter(key=sms.obligation_key, kind=DELIVERY_KIND).exists()
    assert not NoticeDelivery.objects.filter(notice=notice, channel=NoticeDelivery.Channel.EMAIL).exists()


def test_receipt_says_what_changes_for_whom_and_from_when(file_request, account):
    request = file_request(Kind.RESTRICT_CONTACT, restricted_until=datetime.date(2026, 12, 31))
    body = Notice.objects.get(event="request.received").body_en
    assert f"Everyone who collects on loan {account.reference}" in body
    assert "no calls and no visits" in body
    assert "From 25 Nov 2026 10:00 until the end of 31 Dec 2026." in body
    assert request.staff_due_at == at(2026, 11, 26, 10, 0)


@pytest.mark.parametrize("kind", Kind.values)
def test_the_same_submission_key_files_once(file_request, borrower, kind):
    key = str(uuid.uuid4())
    first = file_request(kind, idempotency_key=key)
    again, created = services.request_file(
        borrower=borrower, user=borrower.user, kind=kind, idempotency_key=key, now=NOW, reason="whatever"
    )
    assert (again, created) == (first, False)
    assert BorrowerRequest.objects.count() == 1
    assert Restriction.objects.count() == 1
    assert Notice.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "overrides", "code"),
    [
        ("nonsense", {}, "kind_invalid"),
        (Kind.DISPUTE, {"account": None}, "account_required"),
        (Kind.DISPUTE, {"reason": "income_lost"}, "reason_invalid"),
        (Kind.STOP_THIRD_PARTY, {"reason": "not_mine"}, "reason_invalid"),
        (Kind.REPAYMENT_PLAN, {"amount_per_month": "0"}, "amount_invalid"),
        (Kind.REPAYMENT_PLAN, {"amount_per_month": "12.345"}, "amount_invalid"),
        (Kind.REPAYMENT_PLAN, {"amount_per_month": "lots"}, "amount_invalid"),
        (Kind.DISPUTE, {"amount_per_month": "10"}, "amount_not_allowed"),
        (Kind.RESTRICT_CONTACT, {"restricted_until": datetime.date(2026, 11, 24)}, "period_past"),
        (Kind.DISPUTE, {"restricted_until": datetime.date(2026, 12, 24)}, "period_not_allowed"),
        (Kind.VULNERABILITY, {"consent_given": False}, "consent_required"),
        (Kind.DISPUTE, {"words": "x" * 4001}, "words_too_long"),
        (Kind.DISPUTE, {"idempotency_key": ""}, "key_invalid"),
    ],
)
def test_bad_input_is_refused_with_a_reason(file_request, kind, overrides, code):
    with pytest.raises(ValidationError) as caught:
        file_request(kind, **overrides)
    assert caught.value.code == code
    assert BorrowerRequest.objects.count() == 0
    assert Restriction.objects.count() == 0


def test_a_person_wide_request_refuses_an_account(file_request, account):
    with pytest.raises(ValidationError) as caught:
        file_request(Kind.STOP_THIRD_PARTY, account=account)
    assert caught.value.code == "account_not_allowed"


def test_someone_elses_loan_is_refused(file_request):
    with pytest.raises(ValidationError) as caught:
        file_request(Kind.DISPUTE, account=LoanAccountFactory())
    assert caught.value.code == "account"


def test_a_second_open_request_of_the_same_kind_on_the_loan_is_refused(file_request):
    first = file_request(Kind.DISPUTE)
    with pytest.raises(ValidationError) as caught:
        file_request(Kind.DISPUTE, reason="already_paid")
    assert caught.value.code == "already_open"
    assert first.reference in str(caught.value.messages)


def test_a_written_only_and_a_workplace_restriction_may_stand_together(file_request):
    file_request(Kind.RESTRICT_CONTACT)
    file_request(Kind.RESTRICT_CONTACT, reason="not_at_work")
    assert set(Restriction.objects.values_list("kind", flat=True)) == {RKind.WRITTEN_ONLY, RKind.NOT_AT_WORK}


def test_vulnerability_records_the_consent_text_shown(file_request):
    request = file_request(Kind.VULNERABILITY)
    consent = SensitiveConsent.objects.get(request=request)
    assert (consent.given_at, consent.revoked_at) == (NOW, None)
    assert "sensitive personal information" in consent.text_shown or "敏感个人信息" in consent.text_shown
    assert request.events.filter(kind=RequestEvent.Kind.CONSENT_GIVEN).exists()


def _pdf(name="statement.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * 100, content_type="application/pdf")


def test_dispute_evidence_is_stored_by_the_complaint_evidence_rules(file_request):
    request = file_request(Kind.DISPUTE, files=check_uploads([_pdf()]))
    evidence = RequestEvidence.objects.get(request=request)
    assert (evidence.content_type, evidence.party, evidence.sensitive) == ("application/pdf", "borrower", False)


def test_a_file_that_is_not_an_accepted_type_is_refused_before_filing():
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        check_uploads([upload])


def test_files_are_refused_on_a_stop_request(file_request):
    with pytest.raises(ValidationError) as caught:
        file_request(Kind.STOP_THIRD_PARTY, files=check_uploads([_pdf()]))
    assert caught.value.code == "files_not_allowed"


def test_a_new_request_starts_filed_and_the_desk_is_emailed(file_request, settings):
    request = file_request(Kind.STOP_THIRD_PARTY)
    assert request.status == Status.FILED
    email = Obligation.objects.get(key=f"request:{request.pk}:filed")
    assert email.payload["to"] == [settings.PLATFORM_SUPPORT_EMAIL]


def test_a_plan_is_routed_to_the_in_house_team(file_request, in_house):
    request = file_request(Kind.REPAYMENT_PLAN)
    assert "inhouse@example.cn" in Obligation.objects.get(key=f"request:{request.pk}:filed").payload["to"]


def test_the_seeded_request_notices_pass_the_template_checks():
    from notices.models import NoticeTemplate

    templates = NoticeTemplate.objects.filter(code__startswith="request.")
    assert templates.count() == 10
    for template in templates:
        template.full_clean()


def test_a_requests_files_are_not_strays(file_request, settings, tmp_path):
    import os

    from complaints.services.retention import evidence_strays_remove
    from complaints.uploads import stored_path

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    request = file_request(Kind.DISPUTE, files=check_uploads([_pdf()]))
    path = stored_path(RequestEvidence.objects.get(request=request).storage_name)
    long_ago = (NOW - datetime.timedelta(days=30)).timestamp()
    os.utime(path, (long_ago, long_ago))
    assert (evidence_strays_remove(now=NOW), path.exists()) == (0, True)


def test_files_stored_before_a_file_that_fails_are_removed(file_request, settings, tmp_path, monkeypatch):
    from complaints import uploads
    from tests.complaints.conftest import store_then_fail

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    stored = []
    monkeypatch.setattr(uploads, "store", store_then_fail(stored))
    with pytest.raises(OSError):
        file_request(Kind.DISPUTE, files=check_uploads([_pdf(), _pdf("letter.pdf")]))
    assert (len(stored), [path for path in tmp_path.rglob("*") if path.is_file()]) == (1, [])
