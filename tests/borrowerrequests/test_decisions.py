"""Staff decisions and the borrower's own moves, kind by kind, at service level."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from borrowerrequests import services
from borrowerrequests.models import (
    ACTIVE_STATUSES,
    KIND_STATUSES,
    TRANSITIONS,
    BorrowerRequest,
    Kind,
    PlanAnswer,
    RequestEvidence,
    SensitiveConsent,
    Status,
)
from borrowerrequests.services import RequestTransitionError
from complaints.models import Complaint
from complaints.uploads import check_uploads
from loans.models import Restriction, ScheduledMeasure
from loans.restrictions import restrictions_in_force
from notices.models import Notice, NoticeDelivery
from tests.factories import BorrowerFactory, ScheduledMeasureFactory

from .conftest import NOW
from .test_filing import _pdf

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(hours=3)


def restriction(request) -> Restriction:
    return Restriction.objects.get(source=request.restriction_source)


def told(request, event: str) -> Notice:
    """The notice the borrower got, with its SMS handed to the outbox."""
    notice = Notice.objects.get(key__startswith=f"request:{request.pk}:{event}:")
    assert NoticeDelivery.objects.filter(notice=notice, channel="sms", status="queued").exists()
    return notice


# The table ------------------------------------------------------------------


def test_every_kind_can_only_reach_statuses_the_table_knows():
    for statuses in KIND_STATUSES.values():
        assert statuses <= set(TRANSITIONS)
    assert set(TRANSITIONS) >= ACTIVE_STATUSES


def test_the_database_refuses_a_status_the_kind_cannot_have(file_request):
    from django.db import IntegrityError, transaction

    request = file_request(Kind.STOP_THIRD_PARTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        BorrowerRequest.objects.filter(pk=request.pk).update(status=Status.PLAN_ACCEPTED)


# Stop third-party contact and restrictions ------------------------------------


@pytest.mark.parametrize("kind", [Kind.STOP_THIRD_PARTY, Kind.RESTRICT_CONTACT])
def test_acknowledging_keeps_it_in_force_and_tells_the_borrower(file_request, staff, kind):
    request = file_request(kind)
    services.request_acknowledge(request=request, by=staff, now=LATER)
    request.refresh_from_db()
    assert (request.status, request.acknowledged_at, request.staff_due_at) == (Status.IN_FORCE, LATER, None)
    assert restriction(request).ends_at is None
    told(request, "request.acknowledged")


def test_acknowledge_is_refused_for_a_dispute(file_request, staff):
    request = file_request(Kind.DISPUTE)
    with pytest.raises(RequestTransitionError) as caught:
        services.request_acknowledge(request=request, by=staff, now=LATER)
    assert caught.value.code == "wrong_kind"


def test_an_acknowledged_stop_cannot_be_refused(file_request, staff):
    request = file_request(Kind.STOP_THIRD_PARTY)
    services.request_acknowledge(request=request, by=staff, now=LATER)
    with pytest.raises(RequestTransitionError):
        services.request_refuse(request=request, by=staff, reasons="No.", now=LATER)


@pytest.mark.parametrize("kind", Kind.values)
def test_withdrawal_ends_the_effect_from_its_time_and_keeps_the_history(file_request, borrower, kind):
    request = file_request(kind)
    services.request_withdraw(request=request, borrower=borrower, now=LATER)
    request.refresh_from_db()
    assert (request.status, request.withdrawn_at, request.effects_end_at) == (Status.WITHDRAWN, LATER, LATER)
    assert restriction(request).ends_at == LATER
    assert restrictions_in_force(at=LATER - datetime.timedelta(seconds=1), borrower=borrower).exists()
    assert not restrictions_in_force(at=LATER, borrower=borrower).exists()
    assert request.events.count() > 3
    told(request, "request.withdrawn")


def test_withdrawal_from_a_stated_later_time(file_request, borrower):
    request = file_request(Kind.STOP_THIRD_PARTY)
    until = NOW + datetime.timedelta(days=2)
    services.request_withdraw(request=request, borrower=borrower, now=LATER, effective_at=until)
    assert restriction(request).ends_at == until
    assert restrictions_in_force(at=until - datetime.timedelta(minutes=1), borrower=borrower).exists()


def test_withdrawal_cannot_reach_into_the_past(file_request, borrower):
    request = file_request(Kind.STOP_THIRD_PARTY)
    with pytest.raises(ValidationError) as caught:
        services.request_withdraw(request=request, borrower=borrower, now=LATER, effective_at=NOW)
    assert caught.value.code == "withdraw_past"


def test_another_borrower_cannot_withdraw_it(file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    with pytest.raises(RequestTransitionError) as caught:
        services.request_withdraw(request=request, borrower=BorrowerFactory(), now=LATER)
    assert caught.value.code == "not_owner"
    assert restriction(request).ends_at is None


def test_a_withdrawn_request_cannot_be_withdrawn_again(file_request, borrower):
    request = file_request(Kind.STOP_THIRD_PARTY)
    services.request_withdraw(request=request, borrower=borrower, now=LATER)
    with pytest.raises(RequestTransitionError):
        services.request_withdraw(request=request, borrower=borrower, now=LATER)


@pytest.mark.parametrize("kind", Kind.values)
def test_refusal_ends_the_effect_and_gives_reasons(file_request, staff, kind):
    request = file_request(kind)
    services.request_refuse(request=request, by=staff, reasons="We could not find this loan.", now=LATER)
    request.refresh_from_db()
    assert (request.status, request.decision_text) == (Status.REFUSED, "We could not find this loan.")
    assert restriction(request).ends_at == LATER
    # A vulnerability's reasons stay on the request's page (see below).
    assert ("We could not find this loan." in told(request, "request.refused").body_en) == (kind != Kind.VULNERABILITY)


def test_refusal_needs_reasons(file_request, staff):
    request = file_request(Kind.DISPUTE)
    with pytest.raises(ValidationError) as caught:
        services.request_refuse(request=request, by=staff, reasons="  ", now=LATER)
    assert caught.value.code == "reason_required"


# Disputes -------------------------------------------------------------------------


def test_verification_ends_the_hold_and_reaches_the_borrower(file_request, staff):
    request = file_request(Kind.DISPUTE)
    services.request_start_review(request=request, by=staff, now=NOW + datetime.timedelta(hours=1))
    verification = services.dispute_verify(
        request=request, by=staff, statement="Loan signed on 3 March 2026.", files=check_uploads([_pdf()]), now=LATER
    )
    request.refresh_from_db()
    assert (request.status, verification.sent_at) == (Status.VERIFICATION_SENT, LATER)
    assert restriction(request).ends_at == LATER
    assert RequestEvidence.objects.filter(request=request, party="platform").count() == 1
    assert "Loan signed on 3 March 2026." in told(request, "request.verification_sent").body_en


def test_correction_ends_the_hold(file_request, staff):
    request = file_request(Kind.DISPUTE)
    services.dispute_correct(request=request, by=staff, explanation="Overdue amount set to 0.", now=LATER)
    assert restriction(request).ends_at == LATER
    told(request, "request.corrected")


def test_after_the_verification_the_borrower_may_complain(file_request, borrower, staff):
    request = file_request(Kind.DISPUTE, reason="identity_fraud")
    services.dispute_verify(request=request, by=staff, statement="Signed with your ID.", now=LATER)
    token = uuid.uuid4()
    complaint = services.dispute_escalate(
        request=request, borrower=borrower, description="I never signed it.", submit_token=token, now=LATER
    )
    again = services.dispute_escalate(
        request=request, borrower=borrower, description="I never signed it.", submit_token=token, now=LATER
    )
    request.refresh_from_db()
    assert (complaint.category.code, complaint.account, request.complaint) == ("DN-IDTHEFT", request.account, complaint)
    assert again == complaint and Complaint.objects.count() == 1


def test_a_dispute_cannot_become_a_complaint_before_it_is_answered(file_request, borrower):
    request = file_request(Kind.DISPUTE)
    with pytest.raises(RequestTransitionError) as caught:
        services.dispute_escalate(
            request=request, borrower=borrower, description="Too slow.", submit_token=uuid.uuid4(), now=LATER
        )
    assert caught.value.code == "not_answered"


# Repayment plans ----------------------------------------------------------------------


INSTALMENTS = [(datetime.date(2026, 12, 15), "500"), (datetime.date(2027, 1, 15), "500.00")]


def test_an_accepted_plan_ends_the_pause_and_cancels_planned_measures(file_request, account, staff):
    visit = ScheduledMeasureFactory(account=account, kind="home_visit", planned_for=NOW + datetime.timedelta(days=9))
    request = file_request(Kind.REPAYMENT_PLAN)
    answer = services.plan_accept(request=request, by=staff, instalments=INSTALMENTS, measures="cancel", now=LATER)
    visit.refresh_from_db()
    assert visit.status == ScheduledMeasure.Status.CANCELLED
    assert restriction(request).ends_at == LATER
    assert [(i.due_date, i.amount) for i in answer.instalments.all()] == [
        (datetime.date(2026, 12, 15), Decimal("500.00")),
        (datetime.date(2027, 1, 15), Decimal("500.00")),
    ]
    body = told(request, "request.plan_accepted").body_en
    assert "15 Dec 2026 ¥500.00" in body and "cancelled" in body


def test_an_accepted_plan_can_move_measures_instead(file_request, account, staff):
    letter = ScheduledMeasureFactory(account=account, planned_for=NOW + datetime.timedelta(days=9))
    moved_to = NOW + datetime.timedelta(days=90)
    request = file_request(Kind.REPAYMENT_PLAN)
    services.plan_accept(
        request=request, by=staff, instalments=INSTALMENTS, measures="move", measures_moved_to=moved_to, now=LATER
    )
    letter.refresh_from_db()
    assert (letter.status, letter.planned_for) == (ScheduledMeasure.Status.PLANNED, moved_to)


def test_a_counter_offer_keeps_the_pause_until_the_borrower_accepts(file_request, borrower, staff):
    request = file_request(Kind.REPAYMENT_PLAN)
    services.plan_offer(
        request=request,
        by=staff,
        amount_per_month="800",
        instalments=INSTALMENTS,
        measures="cancel",
        reasons="500 a month would take nine years.",
        now=LATER,
    )
    assert restriction(request).ends_at is None
    assert "nine years" in told(request, "request.plan_offered").body_en
    accepted_at = LATER + datetime.timedelta(days=1)
    answer = services.plan_offer_accept(request=request, borrower=borrower, now=accepted_at)
    request.refresh_from_db()
    assert (request.status, answer.agreed_at, answer.outcome) == (
        Status.PLAN_ACCEPTED,
        accepted_at,
        PlanAnswer.Outcome.COUNTER_OFFER,
    )
    assert restriction(request).ends_at == accepted_at


def test_declining_an_offer_is_withdrawing(file_request, borrower, staff):
    request = file_request(Kind.REPAYMENT_PLAN)
    services.plan_offer(
        request=request,
        by=staff,
        amount_per_month="800",
        instalments=INSTALMENTS,
        measures="cancel",
        reasons="Too low.",
        now=LATER,
    )
    services.request_withdraw(request=request, borrower=borrower, now=LATER)
    assert restriction(request).ends_at == LATER


def test_no_offer_no_acceptance(file_request, borrower):
    request = file_request(Kind.REPAYMENT_PLAN)
    with pytest.raises(RequestTransitionError) as caught:
        services.plan_offer_accept(request=request, borrower=borrower, now=LATER)
    assert caught.value.code == "no_offer"


@pytest.mark.parametrize(
    ("instalments", "code"),
    [
        ([], "instalments_required"),
        ([(datetime.date(2026, 11, 1), "500")], "instalment_date"),
        ([(datetime.date(2026, 12, 1), "500"), (datetime.date(2026, 12, 1), "5")], "instalment_duplicate"),
        ([(datetime.date(2026, 12, 1), "-5")], "amount_invalid"),
    ],
)
def test_a_plan_with_bad_instalments_is_refused(file_request, staff, instalments, code):
    request = file_request(Kind.REPAYMENT_PLAN)
    with pytest.raises(ValidationError) as caught:
        services.plan_accept(request=request, by=staff, instalments=instalments, measures="cancel", now=LATER)
    assert caught.value.code == code


# Vulnerability -------------------------------------------------------------------------


def test_a_reviewed_vulnerability_stays_in_force(file_request, staff):
    request = file_request(Kind.VULNERABILITY)
    services.request_accept(request=request, by=staff, now=LATER)
    request.refresh_from_db()
    assert (request.status, request.staff_due_at) == (Status.ACCEPTED, None)
    assert restriction(request).ends_at is None
    told(request, "request.acknowledged")


def test_revoking_consent_erases_the_details_and_ends_stricter_care(file_request, borrower, staff):
    request = file_request(Kind.VULNERABILITY, files=check_uploads([_pdf("hospital.pdf")]))
    services.request_accept(request=request, by=staff, now=NOW + datetime.timedelta(hours=1))
    consent = services.consent_revoke(request=request, borrower=borrower, now=LATER)
    request.refresh_from_db()
    evidence = RequestEvidence.objects.get(request=request)
    assert (request.status, request.reason, request.words) == (Status.CONSENT_REVOKED, "", "")
    assert consent.revoked_at == LATER and SensitiveConsent.objects.get(pk=consent.pk).revoked_at == LATER
    assert (evidence.purged_at, evidence.original_name) == (LATER, "")
    assert restriction(request).ends_at == LATER
    told(request, "request.consent_revoked")


def test_consent_can_be_revoked_once(file_request, borrower):
    request = file_request(Kind.VULNERABILITY)
    services.consent_revoke(request=request, borrower=borrower, now=LATER)
    with pytest.raises(RequestTransitionError):
        services.consent_revoke(request=request, borrower=borrower, now=LATER)


def test_revoking_consent_erases_what_staff_wrote_of_it(file_request, borrower, staff):
    request = file_request(Kind.VULNERABILITY)
    services.request_accept(request=request, by=staff, note="Checked the oncology letter.", now=LATER)
    services.consent_revoke(request=request, borrower=borrower, now=LATER + datetime.timedelta(hours=1))
    request.refresh_from_db()
    assert (request.decision_text, [event.text for event in request.events.exclude(text="")]) == ("", [])


def test_revoking_consent_after_withdrawal_still_erases(file_request, borrower):
    request = file_request(Kind.VULNERABILITY)
    services.request_withdraw(request=request, borrower=borrower, now=NOW + datetime.timedelta(hours=1))
    services.consent_revoke(request=request, borrower=borrower, now=LATER)
    request.refresh_from_db()
    assert (request.status, request.reason, request.words) == (Status.WITHDRAWN, "", "")


def test_another_borrower_cannot_revoke_consent(file_request):
    request = file_request(Kind.VULNERABILITY)
    with pytest.raises(RequestTransitionError):
        services.consent_revoke(request=request, borrower=BorrowerFactory(), now=LATER)


def test_a_withdrawal_stated_after_the_period_ends_with_the_period(file_request, borrower):
    from .conftest import at

    request = file_request(Kind.RESTRICT_CONTACT, restricted_until=datetime.date(2026, 11, 30))
    services.request_withdraw(request=request, borrower=borrower, now=LATER, effective_at=at(2026, 12, 20, 0, 0))
    assert restriction(request).ends_at == at(2026, 12, 1, 0, 0)


def test_notices_never_name_a_vulnerability_category(file_request):
    request = file_request(Kind.VULNERABILITY)
    notice = Notice.objects.get(key__startswith=f"request:{request.pk}:request.received:")
    assert "Serious illness" not in notice.body_en and "重病" not in notice.body_zh
    assert "Serious illness" not in str(notice.context) and "重病" not in str(notice.context)


def test_notices_of_a_vulnerability_keep_what_staff_wrote_on_the_requests_page(file_request, staff):
    request = file_request(Kind.VULNERABILITY)
    services.request_accept(request=request, by=staff, note="Checked the oncology letter.", now=LATER)
    notice = told(request, "request.acknowledged")
    assert [text for text in (notice.body_en, notice.body_zh, str(notice.context)) if "oncology" in text] == []


def test_notices_of_a_vulnerability_say_where_staff_notes_are(file_request, staff):
    request = file_request(Kind.VULNERABILITY)
    services.request_accept(request=request, by=staff, note="Checked the oncology letter.", now=LATER)
    assert "on the request's page in the portal" in told(request, "request.acknowledged").body_en
