"""SLA clocks: start, meet, pause, resume, extend; warn at the policy's
share of the time and escalate on breach (``sweep.sla_sweep`` runs both).

Deadlines are stored (``due_at``, ``warn_at``) when a clock starts or moves,
so the sweep only reads rows that partial indexes point at.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from businesscalendar.services import business_calendar
from common.bulkupdate import rows_update
from common.fixedsql import insert_rows
from common.memo import Memo

from ..models import AgencyTicket, Complaint, SLAPolicy, SLATarget, TimelineEvent
from . import notify
from .clocks import ClockSweep
from .timeline import timeline_add

Kind = SLATarget.Kind
Measure = SLATarget.Measure
Unit = SLAPolicy.Unit

BUSINESS_UNITS = {Unit.BUSINESS_HOURS, Unit.BUSINESS_DAYS}
# Targets that stop while the platform waits for the borrower.
PAUSABLE_KINDS = (Kind.FINAL_DECISION, Kind.REVIEW, Kind.AGENCY_FIRST_RESPONSE)


# Every complaint filed and every clock started reads its policy; staff edit
# them rarely: kept per process (``apps.py`` connects the edits).
policies: Memo[dict[int, SLAPolicy]] = Memo(
    "complaints.sla-policies", lambda: {policy.severity: policy for policy in SLAPolicy.objects.all()}
)


def policy_for(severity: int) -> SLAPolicy:
    """The policy of ``severity``, shared by the process: read only."""
    try:
        return policies.get()[severity]
    except KeyError:
        raise SLAPolicy.DoesNotExist(f"No SLA policy for severity {severity}.") from None


def deadline(*, calendar, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    if unit == Unit.BUSINESS_HOURS:
        return calendar.add(start, datetime.timedelta(hours=amount))
    if unit == Unit.BUSINESS_DAYS:
        return calendar.add_business_days(start, amount)
    if unit == Unit.CALENDAR_HOURS:
        return start + datetime.timedelta(hours=amount)
    return start + datetime.timedelta(days=amount)


def warning_time(
    *, calendar, measure: str, start: datetime.datetime, due: datetime.datetime, percent: int
) -> datetime.datetime:
    if measure == Measure.BUSINESS:
        return calendar.add(start, calendar.between(start, due) * percent / 100)
    return start + (due - start) * percent / 100


def _target_spec(policy: SLAPolicy, kind: str) -> tuple[int, str]:
    if kind == Kind.ACKNOWLEDGE:
        return policy.acknowledge_amount, policy.acknowledge_unit
    if kind == Kind.AGENCY_FIRST_RESPONSE:
        return policy.agency_response_amount, policy.agency_response_unit
    if kind == Kind.FINAL_DECISION:
        return policy.decision_amount, policy.decision_unit
    return policy.review_decision_days, Unit.CALENDAR_DAYS


def _target_new(
    *,
    complaint: Complaint | None,
    policy: SLAPolicy,
    kind: str,
    now: datetime.datetime,
    calendar,
    amount: int | None = None,
    unit: str | None = None,
    started_at: datetime.datetime | None = None,
    extension_count: int = 0,
    due_at: datetime.datetime | None = None,
    paused_total: datetime.timedelta = datetime.timedelta(0),
) -> SLATarget:
    """An unsaved clock of ``kind`` under ``policy``: the one place its
    deadline, warning time and pause are worked out."""
    default_amount, default_unit = _target_spec(policy, kind)
    amount = default_amount if amount is None else amount
    unit = unit or default_unit
    start = started_at or now
    measure = Measure.BUSINESS if unit in BUSINESS_UNITS else Measure.CALENDAR
    due = due_at or deadline(calendar=calendar, start=start, amount=amount, unit=unit)
    if paused_total and due_at is None:
        # A clock restarted under a new policy keeps the time it was paused.
        due = calendar.add(due, paused_total) if measure == Measure.BUSINESS else due + paused_total
    waiting = complaint is not None and complaint.waiting_on_borrower_since
    return SLATarget(
        complaint=complaint,
        kind=kind,
        measure=measure,
        started_at=start,
        due_at=due,
        warn_at=warning_time(calendar=calendar, measure=measure, start=start, due=due, percent=policy.warn_percent),
        extension_count=extension_count,
        paused_total=paused_total,
        paused_at=now if waiting and kind in PAUSABLE_KINDS else None,
    )


def target_start(*, complaint: Complaint, **clock) -> SLATarget:
    """Start a clock: :func:`targets_start` of one (same arguments)."""
    return targets_start(complaints=[complaint], **clock)[0]


def targets_start(
    *,
    complaints: list[Complaint],
    kind: str,
    now: datetime.datetime,
    calendar=None,
    amount: int | None = None,
    unit: str | None = None,
    started_at: datetime.datetime | None = None,
    extension_count: int = 0,
    due_at: datetime.datetime | None = None,
    paused_total: datetime.timedelta = datetime.timedelta(0),
    ticket: bool = True,
) -> list[SLATarget]:
    """Start a clock of ``kind`` on each complaint, under its own policy;
    the caller holds their locks. An open clock of the same kind is stopped
    first (the database allows one open per kind); the current agency ticket
    follows a new first-response clock, so its deadline is always the one
    that runs (``ticket=False``: the caller knows the complaints have no
    current ticket and is about to create them pointing at the clocks). The
    old clocks are stopped in one statement and the new ones written in one."""
    calendar = calendar or business_calendar()
    targets = [
        _target_new(
            complaint=complaint,
            policy=policy_for(complaint.severity),
            kind=kind,
            now=now,
            calendar=calendar,
            amount=amount,
            unit=unit,
            started_at=started_at,
            extension_count=extension_count,
            due_at=due_at,
            paused_total=paused_total,
        )
        for complaint in complaints
    ]
    SLATarget.objects.filter(
        complaint__in=[complaint.pk for complaint in complaints],
        kind=kind,
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)
    insert_rows(targets)
    if kind == Kind.AGENCY_FIRST_RESPONSE:
        if ticket:
            for complaint, target in zip(complaints, targets, strict=True):
                AgencyTicket.objects.current().filter(complaint=complaint).update(response_target=target)
    else:
        # The agency's clock is not among the due columns.
        sync_due_columns_many(complaints)
    return targets


# The clocks every new complaint starts with.
INTAKE_KINDS = (Kind.ACKNOWLEDGE, Kind.FINAL_DECISION)


def intake_targets(*, severity: int, now: datetime.datetime, calendar) -> list[SLATarget]:
    """The unsaved first clocks of a complaint not yet written, with one
    read of the policy: the complaint is created with their deadlines in its
    due columns (``due_columns``), then ``intake_targets_save`` writes them."""
    policy = policy_for(severity)
    return [_target_new(complaint=None, policy=policy, kind=kind, now=now, calendar=calendar) for kind in INTAKE_KINDS]


def intake_targets_save(*, complaint: Complaint, targets: list[SLATarget]) -> None:
    """Write a new complaint's first clocks in one statement. The complaint
    has no clock yet, so there is none to stop, and its due columns were
    written with it."""
    for target in targets:
        target.complaint = complaint
    insert_rows(targets)


def due_columns(targets) -> dict[str, datetime.datetime | None]:
    """The complaint's due columns from its open clocks (objects or
    ``(kind, due_at)`` pairs in start order): the one rule of what lists
    and pages show as the next deadlines."""
    due = dict((target.kind, target.due_at) if isinstance(target, SLATarget) else tuple(target) for target in targets)
    return {
        "acknowledge_due_at": due.get(Kind.ACKNOWLEDGE),
        "decision_due_at": due.get(Kind.REVIEW) or due.get(Kind.FINAL_DECISION),
    }


def open_targets(complaint: Complaint, *kinds: str):
    return _open_targets_of([complaint.pk], kinds)


def _open_targets_of(complaint_ids: list[int], kinds=()):
    queryset = SLATarget.objects.filter(complaint__in=complaint_ids, met_at__isnull=True, cancelled_at__isnull=True)
    return queryset.filter(kind__in=kinds) if kinds else queryset


def target_meet(*, complaint: Complaint, kinds: tuple[str, ...], now: datetime.datetime) -> None:
    """Stop clocks because what they measured happened. Caller holds the lock."""
    targets_meet(complaints=[complaint], kinds=kinds, now=now)


def targets_meet(*, complaints: list[Complaint], kinds: tuple[str, ...], now: datetime.datetime) -> None:
    """:func:`target_meet` on several locked complaints, in one statement."""
    _open_targets_of([complaint.pk for complaint in complaints], kinds).update(met_at=now, paused_at=None)
    sync_due_columns_many(complaints)


def targets_cancel(*, complaint: Complaint, now: datetime.datetime, kinds: tuple[str, ...] = ()) -> None:
    open_targets(complaint, *kinds).update(cancelled_at=now, paused_at=None)
    sync_due_columns(complaint)


def targets_pause(*, complaint: Complaint, now: datetime.datetime) -> None:
    open_targets(complaint, *PAUSABLE_KINDS).filter(paused_at__isnull=True).update(paused_at=now)


def targets_resume(*, complaint: Complaint, now: datetime.datetime, calendar=None) -> None:
    """Move each paused deadline by the paused time, in its own kind of time."""
    calendar = calendar or business_calendar()
    for target in open_targets(complaint).filter(paused_at__isnull=False).select_for_update():
        if target.measure == Measure.BUSINESS:
            paused = max(calendar.between(target.paused_at, now), datetime.timedelta(0))
            target.due_at = calendar.add(target.due_at, paused)
            if target.warned_at is None:
                target.warn_at = calendar.add(target.warn_at, paused)
        else:
            paused = max(now - target.paused_at, datetime.timedelta(0))
            target.due_at += paused
            if target.warned_at is None:
                target.warn_at += paused
        target.paused_total += paused
        target.paused_at = None
        target.save(update_fields=["due_at", "warn_at", "paused_total", "paused_at"])
    sync_due_columns(complaint)


def sync_due_columns(complaint: Complaint) -> None:
    """Copy the open deadlines onto the complaint for lists and pages."""
    sync_due_columns_many([complaint])


def sync_due_columns_many(complaints: list[Complaint]) -> None:
    """:func:`sync_due_columns` of several complaints: their open clocks read
    in one statement, the complaints whose columns change written in one."""
    open_clocks: dict[int, list] = {complaint.pk: [] for complaint in complaints}
    for complaint_id, kind, due_at in (
        _open_targets_of(list(open_clocks), (Kind.ACKNOWLEDGE, Kind.FINAL_DECISION, Kind.REVIEW))
        .order_by("started_at", "pk")
        .values_list("complaint_id", "kind", "due_at")
    ):
        open_clocks[complaint_id].append((kind, due_at))
    changed = []
    for complaint in complaints:
        columns = due_columns(open_clocks[complaint.pk])
        if (complaint.acknowledge_due_at, complaint.decision_due_at) != tuple(columns.values()):
            complaint.acknowledge_due_at = columns["acknowledge_due_at"]
            complaint.decision_due_at = columns["decision_due_at"]
            changed.append(complaint)
    rows_update(changed, ["acknowledge_due_at", "decision_due_at"])


# The sweep ----------------------------------------------------------------


def _owner_emails(complaint: Complaint, target: SLATarget) -> list[str]:
    if target.kind == Kind.AGENCY_FIRST_RESPONSE and complaint.agency_id and complaint.agency.email:
        return [complaint.agency.email, *notify.owner_emails(complaint)]
    return notify.owner_emails(complaint)


def _warned(complaint: Complaint, target: SLATarget, now: datetime.datetime) -> None:
    timeline_add(
        complaint=complaint,
        kind=TimelineEvent.Kind.SLA_WARNING,
        at=now,
        visibility=TimelineEvent.Visibility.INTERNAL,
        data={"target": target.kind, "due_at": target.due_at.isoformat()},
    )
    with notify.staff_language():
        subject = _("Deadline approaching: %(reference)s (%(target)s)") % {
            "reference": complaint.reference,
            "target": target.get_kind_display(),
        }
        body = _("The %(target)s deadline of complaint %(reference)s is %(due)s.") % {
            "target": target.get_kind_display(),
            "reference": complaint.reference,
            "due": timezone.localtime(target.due_at).strftime("%Y-%m-%d %H:%M"),
        }
    notify.email_obligation(
        key=f"sla:{target.pk}:warning", to=_owner_emails(complaint, target), subject=subject, body=body, now=now
    )


def _breached(complaint: Complaint, target: SLATarget, now: datetime.datetime) -> None:
    """Escalate to the supervisors and the agency's account manager."""
    timeline_add(
        complaint=complaint,
        kind=TimelineEvent.Kind.SLA_BREACHED,
        at=now,
        visibility=TimelineEvent.Visibility.INTERNAL,
        data={"target": target.kind, "due_at": target.due_at.isoformat()},
    )
    recipients = notify.supervisor_emails() + _owner_emails(complaint, target)
    if complaint.agency_id and complaint.agency.account_manager_email:
        recipients.append(complaint.agency.account_manager_email)
    with notify.staff_language():
        subject = _("Deadline missed: %(reference)s (%(target)s)") % {
            "reference": complaint.reference,
            "target": target.get_kind_display(),
        }
        body = _(
            "The %(target)s deadline of complaint %(reference)s passed at %(due)s. "
            "Severity: %(severity)s. Responsible party: %(agency)s."
        ) % {
            "target": target.get_kind_display(),
            "reference": complaint.reference,
            "due": timezone.localtime(target.due_at).strftime("%Y-%m-%d %H:%M"),
            "severity": complaint.get_severity_display(),
            "agency": complaint.agency or "-",
        }
    notify.email_obligation(key=f"sla:{target.pk}:breach", to=recipients, subject=subject, body=body, now=now)


SWEEP = ClockSweep(
    model=SLATarget,
    owner="complaint",
    owners=Complaint.objects.select_related("agency", "assignee"),
    warned=_warned,
    breached=_breached,
)


def target_warn(*, target_id: int, now: datetime.datetime) -> bool:
    """Warn the owner once. Returns whether this call warned."""
    return SWEEP.warn(clock_id=target_id, now=now)


def target_breach(*, target_id: int, now: datetime.datetime) -> bool:
    """Record a breach once and escalate it to the supervisors and the
    agency's account manager. Returns whether this call did it."""
    return SWEEP.breach(clock_id=target_id, now=now)


def targets_sweep(*, now: datetime.datetime, batch_size: int) -> dict[str, int]:
    """Escalate what is past due, then warn what is near (``ClockSweep.sweep``)."""
    return SWEEP.sweep(now=now, batch_size=batch_size)
