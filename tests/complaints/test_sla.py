import datetime

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import SLAPolicy, SLATarget, TimelineEvent
from complaints.services import ComplaintTransitionError
from complaints.services.notify import EMAIL
from outbox.models import Obligation
from tests.factories import UserFactory

from .conftest import SHANGHAI, category

pytestmark = pytest.mark.django_db


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def target(complaint, kind=SLATarget.Kind.ACKNOWLEDGE) -> SLATarget:
    return complaint.sla_targets.filter(kind=kind, cancelled_at__isnull=True).order_by("-pk").first()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="handler@example.cn")


@pytest.fixture
def supervisor(db):
    return UserFactory(is_staff=True, is_superuser=True, email="boss@example.cn")


def test_acknowledge_deadline_skips_the_weekend(submit):
    complaint = submit(now=at(2026, 11, 27, 17, 0), incident_at=at(2026, 11, 27, 9, 0))
    assert target(complaint).due_at == at(2026, 11, 30, 17, 0)
    assert target(complaint).measure == SLATarget.Measure.BUSINESS


def test_acknowledge_deadline_skips_a_public_holiday(submit):
    complaint = submit(now=at(2026, 9, 30, 17, 0), incident_at=at(2026, 9, 30, 9, 0))
    assert target(complaint).due_at == at(2026, 10, 8, 17, 0)


def test_acknowledge_deadline_counts_a_weekend_make_up_working_day(submit):
    complaint = submit(category=category("TH-VIOLENCE"), now=at(2026, 10, 9, 17, 0), incident_at=at(2026, 10, 9, 9, 0))
    assert target(complaint).due_at == at(2026, 10, 10, 10, 0)


def test_final_decision_is_calendar_days(submit):
    complaint = submit(now=at(2026, 11, 27, 17, 0), incident_at=at(2026, 11, 27, 9, 0))
    decision = target(complaint, SLATarget.Kind.FINAL_DECISION)
    assert (decision.measure, decision.due_at) == (SLATarget.Measure.CALENDAR, at(2026, 12, 12, 17, 0))
    assert complaint.decision_due_at == decision.due_at


def test_warning_time_is_three_quarters_of_the_business_time(submit):
    complaint = submit(now=at(2026, 11, 27, 17, 0), incident_at=at(2026, 11, 27, 9, 0))
    # 9 business hours; 75% = 6h45m: 1h on Friday, 5h45m on Monday.
    assert target(complaint).warn_at == at(2026, 11, 30, 14, 45)


def test_edited_policy_applies_to_new_complaints(submit):
    SLAPolicy.objects.filter(severity=2).update(acknowledge_amount=3, acknowledge_unit="business_hours")
    complaint = submit(now=at(2026, 11, 25, 10, 0))
    assert target(complaint).due_at == at(2026, 11, 25, 13, 0)


def test_policy_saved_after_a_complaint_applies_to_the_next_one(submit):
    submit(now=at(2026, 11, 25, 9, 30))
    policy = SLAPolicy.objects.get(severity=2)
    policy.acknowledge_amount, policy.acknowledge_unit = 3, "business_hours"
    policy.save()
    complaint = submit(now=at(2026, 11, 25, 10, 0))
    assert target(complaint).due_at == at(2026, 11, 25, 13, 0)


def test_pause_and_resume_moves_business_deadline_by_business_time_paused(routed, staff):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    agency_target = target(complaint, SLATarget.Kind.AGENCY_FIRST_RESPONSE)
    before = agency_target.due_at
    services.complaint_request_information(
        complaint=complaint, by=staff, question="Which number?", now=at(2026, 11, 25, 11, 0)
    )
    # Paused from Wednesday 11:00 to Thursday 11:00: 9 business hours.
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=None, text="021 6123 4567", now=at(2026, 11, 26, 11, 0)
    )
    agency_target.refresh_from_db()
    assert agency_target.paused_at is None
    assert agency_target.paused_total == datetime.timedelta(hours=9)
    from businesscalendar.services import business_calendar

    assert agency_target.due_at == business_calendar().add(before, datetime.timedelta(hours=9))


def test_pause_and_resume_moves_calendar_deadline_by_wall_time(routed, staff):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    before = target(complaint, SLATarget.Kind.FINAL_DECISION).due_at
    services.complaint_request_information(complaint=complaint, by=staff, question="When?", now=at(2026, 11, 25, 11, 0))
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=None, text="Tuesday night", now=at(2026, 11, 28, 11, 0)
    )
    complaint.refresh_from_db()
    assert complaint.decision_due_at == before + datetime.timedelta(days=3)


def test_request_information_notifies_the_borrower(routed, staff, borrower_notices):
    complaint = routed()
    services.complaint_request_information(
        complaint=complaint, by=staff, question="Which number?", now=at(2026, 11, 25, 11, 0)
    )
    assert borrower_notices[-1]["event"] == "complaint.information_requested"
    assert borrower_notices[-1]["context"]["reason"] == "Which number?"


def test_paused_target_is_not_swept(routed, staff):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    services.complaint_request_information(complaint=complaint, by=staff, question="?", now=at(2026, 11, 25, 11, 0))
    counts = services.sla_sweep(now=at(2027, 1, 30, 10, 0))
    assert counts == {"breached": 0, "warned": 0, "closed": 0, "evidence_purged": 0}


def test_warning_happens_once_and_is_on_the_timeline(submit):
    complaint = submit(now=at(2026, 11, 25, 10, 0))
    warn_at = target(complaint).warn_at
    first = services.sla_sweep(now=warn_at)
    second = services.sla_sweep(now=warn_at + datetime.timedelta(minutes=1))
    assert (first["warned"], second["warned"]) == (1, 0)
    assert complaint.timeline.filter(kind=TimelineEvent.Kind.SLA_WARNING).count() == 1
    assert Obligation.objects.filter(kind=EMAIL, key__startswith=f"sla:{target(complaint).pk}:warning").count() == 1


def test_nothing_is_warned_before_its_time(submit):
    complaint = submit(now=at(2026, 11, 25, 10, 0))
    assert services.sla_sweep(now=target(complaint).warn_at - datetime.timedelta(seconds=1))["warned"] == 0


def test_breach_happens_once_and_escalates_to_supervisor_and_account_manager(routed, supervisor, agency):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    agency_target = target(complaint, SLATarget.Kind.AGENCY_FIRST_RESPONSE)
    first = services.sla_sweep(now=agency_target.due_at)
    second = services.sla_sweep(now=agency_target.due_at + datetime.timedelta(hours=1))
    agency_target.refresh_from_db()
    assert (first["breached"], second["breached"]) == (1, 0)
    assert agency_target.breached_at == agency_target.escalated_at == agency_target.due_at
    mail = Obligation.objects.get(kind=EMAIL, key=f"sla:{agency_target.pk}:breach")
    assert {"boss@example.cn", agency.account_manager_email, agency.email} <= set(mail.payload["to"])
    assert complaint.timeline.filter(kind=TimelineEvent.Kind.SLA_BREACHED).count() == 1


def test_met_target_is_neither_warned_nor_breached(routed):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    ack = complaint.sla_targets.get(kind=SLATarget.Kind.ACKNOWLEDGE)
    assert ack.met_at is not None
    services.sla_sweep(now=ack.due_at + datetime.timedelta(days=1))
    ack.refresh_from_db()
    assert (ack.warned_at, ack.breached_at) == (None, None)


def test_first_extension_goes_to_thirty_days_and_tells_the_borrower(routed, staff, borrower_notices):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    services.complaint_extend(
        complaint=complaint, by=staff, reason="We need the recordings.", now=at(2026, 11, 30, 10, 0)
    )
    complaint.refresh_from_db()
    assert complaint.decision_due_at == at(2026, 12, 25, 10, 0)
    assert complaint.extension_count == 1
    assert borrower_notices[-1]["event"] == "complaint.extended"
    assert borrower_notices[-1]["mandatory"] is True


def test_second_extension_needs_a_supervisor(routed, staff, supervisor):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    services.complaint_extend(complaint=complaint, by=staff, reason="Recordings.", now=at(2026, 11, 30, 10, 0))
    with pytest.raises(PermissionDenied):
        services.complaint_extend(complaint=complaint, by=staff, reason="More.", now=at(2026, 12, 20, 10, 0))
    services.complaint_extend(
        complaint=complaint, by=staff, reason="More.", approved_by=supervisor, now=at(2026, 12, 20, 10, 0)
    )
    complaint.refresh_from_db()
    assert complaint.decision_due_at == at(2027, 1, 24, 10, 0)


def test_third_extension_is_refused(routed, staff, supervisor):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    services.complaint_extend(complaint=complaint, by=staff, reason="1", now=at(2026, 11, 30, 10, 0))
    services.complaint_extend(
        complaint=complaint, by=staff, reason="2", approved_by=supervisor, now=at(2026, 12, 1, 10, 0)
    )
    with pytest.raises(ComplaintTransitionError):
        services.complaint_extend(
            complaint=complaint, by=staff, reason="3", approved_by=supervisor, now=at(2026, 12, 2, 10, 0)
        )


def test_extension_needs_a_reason(routed, staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.complaint_extend(complaint=routed(), by=staff, reason="", now=at(2026, 11, 30, 10, 0))


def test_extended_deadline_after_a_pause_keeps_the_paused_time(routed, staff):
    complaint = routed(now=at(2026, 11, 25, 10, 0))
    services.complaint_request_information(complaint=complaint, by=staff, question="?", now=at(2026, 11, 25, 11, 0))
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=None, text="answer", now=at(2026, 11, 27, 11, 0)
    )
    services.complaint_extend(complaint=complaint, by=staff, reason="Recordings.", now=at(2026, 11, 30, 10, 0))
    complaint.refresh_from_db()
    assert complaint.decision_due_at == at(2026, 12, 27, 10, 0)


def test_sla_sweep_task_is_in_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["complaints-sla-sweep"]["task"] == "complaints.tasks.sla_sweep_task"
