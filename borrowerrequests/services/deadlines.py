"""Staff deadlines on requests, on the complaints' SLA engine: the same
deadline arithmetic (``complaints.services.sla.deadline`` and
``warning_time`` on the business calendar), the same clock columns and so
the same state rule (``complaints.sla_state``), warned and escalated by
the sweep the same way.

Each kind has one duty (DOMAIN §7 defaults, edited by staff in
:class:`RequestSLAPolicy`): verify or correct a dispute (15 days),
acknowledge a stop or a restriction (1 working day), answer a plan (10
working days), review a vulnerability (5 working days).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from businesscalendar.services import business_calendar
from complaints.services import notify as complaint_notify
from complaints.services.clocks import ClockSweep
from complaints.services.sla import BUSINESS_UNITS, deadline, warning_time

from ..models import BorrowerRequest, Kind, RequestDeadline, RequestEvent, RequestSLAPolicy
from .core import event_add

Duty = RequestDeadline.Duty

KIND_DUTY = {
    Kind.DISPUTE: Duty.VERIFY,
    Kind.STOP_THIRD_PARTY: Duty.ACKNOWLEDGE,
    Kind.RESTRICT_CONTACT: Duty.ACKNOWLEDGE,
    Kind.REPAYMENT_PLAN: Duty.ANSWER,
    Kind.VULNERABILITY: Duty.REVIEW,
}


def deadline_start(*, request: BorrowerRequest, now: datetime.datetime, calendar=None) -> RequestDeadline:
    """Start the request's staff clock from its receipt. Caller holds the lock."""
    calendar = calendar or business_calendar()
    policy = RequestSLAPolicy.objects.get(kind=request.kind)
    measure = RequestDeadline.Measure.BUSINESS if policy.unit in BUSINESS_UNITS else RequestDeadline.Measure.CALENDAR
    start = request.filed_at
    due = deadline(calendar=calendar, start=start, amount=policy.amount, unit=policy.unit)
    clock = RequestDeadline.objects.create(
        request=request,
        duty=KIND_DUTY[request.kind],
        measure=measure,
        started_at=start,
        due_at=due,
        warn_at=warning_time(calendar=calendar, measure=measure, start=start, due=due, percent=policy.warn_percent),
    )
    _sync_due(request)
    return clock


def deadline_meet(*, request: BorrowerRequest, now: datetime.datetime) -> None:
    """Staff did what the clock measured. Caller holds the lock."""
    RequestDeadline.objects.filter(request=request, met_at__isnull=True, cancelled_at__isnull=True).update(
        met_at=now, paused_at=None
    )
    _sync_due(request)


def deadline_cancel(*, request: BorrowerRequest, now: datetime.datetime) -> None:
    """Nothing is left for staff to do (withdrawn, consent revoked, over)."""
    RequestDeadline.objects.filter(request=request, met_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now, paused_at=None
    )
    _sync_due(request)


def open_deadline(request: BorrowerRequest) -> RequestDeadline | None:
    return RequestDeadline.objects.filter(request=request, met_at__isnull=True, cancelled_at__isnull=True).first()


def _sync_due(request: BorrowerRequest) -> None:
    clock = open_deadline(request)
    due = clock.due_at if clock else None
    if request.staff_due_at != due:
        request.staff_due_at = due
        BorrowerRequest.objects.filter(pk=request.pk).update(staff_due_at=due)


# Who is told -----------------------------------------------------------


def owner_emails(request: BorrowerRequest) -> list[str]:
    """The desk; for a repayment plan also the lender's in-house team, who
    answer plans."""
    emails = [settings.PLATFORM_SUPPORT_EMAIL]
    if request.kind == Kind.REPAYMENT_PLAN:
        emails += list(
            Agency.objects.filter(kind=Agency.Kind.IN_HOUSE, status=Agency.Status.ACTIVE)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    return emails


# The sweep ---------------------------------------------------------------


def _warned(request: BorrowerRequest, clock: RequestDeadline, now: datetime.datetime) -> None:
    event_add(
        request=request,
        kind=RequestEvent.Kind.SLA_WARNING,
        at=now,
        visibility=RequestEvent.Visibility.INTERNAL,
        data={"duty": clock.duty, "due_at": clock.due_at.isoformat()},
    )
    with complaint_notify.staff_language():
        subject = _("Deadline approaching: request %(reference)s (%(duty)s)") % {
            "reference": request.reference,
            "duty": clock.get_duty_display(),
        }
        body = _("The deadline to %(duty)s on request %(reference)s (%(kind)s) is %(due)s.") % {
            "duty": clock.get_duty_display().lower(),
            "reference": request.reference,
            "kind": request.get_kind_display(),
            "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
        }
    complaint_notify.email_obligation(
        key=f"request-sla:{clock.pk}:warning", to=owner_emails(request), subject=subject, body=body, now=now
    )


def _breached(request: BorrowerRequest, clock: RequestDeadline, now: datetime.datetime) -> None:
    """Escalate to the supervisors."""
    event_add(
        request=request,
        kind=RequestEvent.Kind.SLA_BREACHED,
        at=now,
        visibility=RequestEvent.Visibility.INTERNAL,
        data={"duty": clock.duty, "due_at": clock.due_at.isoformat()},
    )
    with complaint_notify.staff_language():
        subject = _("Deadline missed: request %(reference)s (%(duty)s)") % {
            "reference": request.reference,
            "duty": clock.get_duty_display(),
        }
        body = _("The deadline to %(duty)s on request %(reference)s (%(kind)s) passed at %(due)s.") % {
            "duty": clock.get_duty_display().lower(),
            "reference": request.reference,
            "kind": request.get_kind_display(),
            "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
        }
    complaint_notify.email_obligation(
        key=f"request-sla:{clock.pk}:breach",
        to=complaint_notify.supervisor_emails() + owner_emails(request),
        subject=subject,
        body=body,
        now=now,
    )


SWEEP = ClockSweep(
    model=RequestDeadline, owner="request", owners=BorrowerRequest.objects.all(), warned=_warned, breached=_breached
)


def deadline_warn(*, clock_id: int, now: datetime.datetime) -> bool:
    """Warn the desk once. Returns whether this call warned."""
    return SWEEP.warn(clock_id=clock_id, now=now)


def deadline_breach(*, clock_id: int, now: datetime.datetime) -> bool:
    """Record a missed deadline once and escalate it to the supervisors.
    Returns whether this call did it."""
    return SWEEP.breach(clock_id=clock_id, now=now)


def deadlines_sweep(*, now: datetime.datetime, batch_size: int) -> dict[str, int]:
    """Escalate what is past due, then warn what is near (``ClockSweep.sweep``)."""
    return SWEEP.sweep(now=now, batch_size=batch_size)
