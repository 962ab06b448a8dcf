"""A known month (October 2026) for the compliance report, with facts just
outside it that must not count. The expected figures are worked out by hand
in tests/desk/test_compliance_report.py."""

import datetime
import zoneinfo

from complaints.models import Complaint, SLATarget, TimelineEvent
from notices.models import MeasureNoticeState, Notice

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


def _measure(agency, kind, deadline, *, issued=None, compliance=MeasureNoticeState.Compliance.PENDING):
    from tests.factories import ScheduledMeasureFactory

    measure = ScheduledMeasureFactory(performer=agency, kind=kind, planned_for=deadline + datetime.timedelta(days=3))
    MeasureNoticeState.objects.create(
        measure=measure,
        planned_for=measure.planned_for,
        measure_status=measure.status,
        kind=kind,
        days_before=3,
        notice_deadline=deadline,
        compliance=compliance,
        synced_at=deadline - datetime.timedelta(days=10),
    )
    if issued:
        Notice.objects.create(
            key=f"test:{measure.pk}",
            borrower=measure.account.borrower,
            account=measure.account,
            measure=measure,
            purpose=Notice.Purpose.ADVANCE,
            status=Notice.Status.ISSUED,
            send_at=issued,
            issued_at=issued,
            created_at=issued,
        )
    return measure


def _event(complaint, kind, when, *, author=None, **data):
    return TimelineEvent.objects.create(
        complaint=complaint, kind=kind, at=when, author=author, visibility=TimelineEvent.Visibility.INTERNAL, data=data
    )


def _target(complaint, kind, due, **times):
    return SLATarget.objects.create(
        complaint=complaint,
        kind=kind,
        measure=SLATarget.Measure.CALENDAR,
        started_at=due - datetime.timedelta(days=1),
        due_at=due,
        warn_at=due - datetime.timedelta(hours=2),
        **times,
    )


def _history_dated(model, pk, when) -> None:
    """The history row of a change made through a service is dated by the
    clock; date it as if the change had been made in the month."""
    row = model.history.filter(id=pk).order_by("-history_id").first()
    model.history.filter(history_id=row.history_id).update(history_date=when)


def october(*, submit, supervisor, agent) -> dict:
    from agencies.models import Agency, Collector
    from agencies.suspension import agency_suspend, collector_suspend
    from conduct.models import Breach
    from loans.models import ScheduledMeasure
    from tests.factories import AgencyFactory, CollectorFactory, ContactEventFactory

    kind = ScheduledMeasure.Kind
    a = AgencyFactory(short_name="Agency A")
    b = AgencyFactory(short_name="Agency B")

    # Advance notices.
    _measure(a, kind.LAWYER_LETTER, at(10, 5), issued=at(10, 4))
    _measure(a, kind.LAWYER_LETTER, at(10, 10), issued=at(10, 12))
    _measure(a, kind.LAWYER_LETTER, at(10, 20))
    _measure(a, kind.LAWYER_LETTER, at(10, 25), issued=at(11, 3))
    _measure(b, kind.HOME_VISIT, at(10, 7), issued=at(10, 1))
    _measure(a, kind.LAWYER_LETTER, at(9, 30, 23))
    _measure(a, kind.LAWSUIT, at(10, 12), compliance=MeasureNoticeState.Compliance.NOT_REQUIRED)

    # Complaints: c0 in September, c1 and c2 in October.
    c0 = submit(now=at(9, 20), category="CT-HOURS")
    c1 = submit(now=at(10, 1), category="CT-HOURS")
    c2 = submit(now=at(10, 2), category="CT-FREQ")
    SLATarget.objects.all().delete()
    Complaint.objects.filter(pk__in=[c0.pk, c1.pk]).update(agency=a, severity=2)
    Complaint.objects.filter(pk=c2.pk).update(agency=b, severity=3)
    _event(c1, TimelineEvent.Kind.SEVERITY_CHANGED, at(10, 2), **{"from": 2, "to": 1})
    _event(c1, TimelineEvent.Kind.SEVERITY_CHANGED, at(11, 5), **{"from": 1, "to": 3})
    Complaint.objects.filter(pk=c1.pk).update(severity=3)

    target = SLATarget.Kind
    _target(c1, target.ACKNOWLEDGE, at(10, 3), met_at=at(10, 3, 9))
    _target(c1, target.FINAL_DECISION, at(10, 15), breached_at=at(10, 15, 10, 5), escalated_at=at(10, 15, 10, 5))
    _target(
        c2,
        target.FINAL_DECISION,
        at(10, 20),
        met_at=at(10, 22),
        breached_at=at(10, 20, 11),
        escalated_at=at(10, 20, 11),
    )
    _target(c2, target.ACKNOWLEDGE, at(10, 8), cancelled_at=at(10, 7))
    _target(c2, target.AGENCY_FIRST_RESPONSE, at(11, 2))

    # Decisions and extensions.
    _event(c0, TimelineEvent.Kind.RESOLVED, at(9, 28), finding="substantiated")
    _event(c1, TimelineEvent.Kind.RESOLVED, at(10, 16), finding="substantiated")
    _event(c2, TimelineEvent.Kind.RESOLVED, at(10, 25), finding="not_substantiated")
    _event(c1, TimelineEvent.Kind.EXTENDED, at(10, 10), author=supervisor, approved_by=None)
    _event(c2, TimelineEvent.Kind.EXTENDED, at(10, 12), author=agent, approved_by=supervisor.pk)
    _event(c2, TimelineEvent.Kind.EXTENSION_APPROVED, at(10, 14), author=agent)

    # Contacts and breaches.
    contacts = [ContactEventFactory(agency=a, occurred_at=at(10, day)) for day in (3, 4, 5, 6)]
    contacts.append(ContactEventFactory(agency=b, occurred_at=at(10, 9)))
    september = ContactEventFactory(agency=a, occurred_at=at(9, 30, 23, 30))
    for contact, rule in (
        (contacts[0], Breach.Rule.QUIET_HOURS),
        (contacts[1], Breach.Rule.CONNECTED_CALLS),
        (contacts[4], Breach.Rule.QUIET_HOURS),
        (september, Breach.Rule.QUIET_HOURS),
    ):
        Breach.objects.create(contact_event=contact, rule=rule, agency=contact.agency, detected_at=at(10, 1, 12))

    # Suspensions.
    collector = CollectorFactory(agency=a, display_name="Li")
    agency_suspend(agency_id=b.pk, reason="Calls at night", public_reason="conduct", by=supervisor, now=at(10, 9, 15))
    _history_dated(Agency, b.pk, at(10, 9, 15))
    collector_suspend(collector_id=collector.pk, reason="Threats", by=supervisor, now=at(10, 11))
    _history_dated(Collector, collector.pk, at(10, 11))
    return {"a": a, "b": b, "complaints": (c0, c1, c2), "collector": collector}
