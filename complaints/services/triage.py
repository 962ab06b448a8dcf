"""Who handles a complaint on the desk, and how severe it is."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Complaint, Severity, TimelineEvent
from . import sla
from .holds import hold_place
from .routing import on_call_alert
from .timeline import timeline_add
from .transitions import lock, require_open, touch

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def complaint_assign(*, complaint: Complaint, assignee, by, now: datetime.datetime) -> Complaint:
    if assignee is not None and not assignee.is_staff:
        raise ValidationError(_("Only platform staff can handle complaints."), code="assignee_not_staff")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        touch(complaint, now, assignee=assignee)
        if hasattr(complaint, "triage") and complaint.triage.done_at is None:
            complaint.triage.done_at = now
            complaint.triage.done_by = by
            complaint.triage.save(update_fields=["done_at", "done_by"])
        timeline_add(
            complaint=complaint,
            kind=Kind.ASSIGNED,
            at=now,
            visibility=Visibility.INTERNAL,
            author=by,
            data={"assignee": assignee.pk if assignee else None, "name": str(assignee or "")},
        )
        return complaint


def complaint_set_severity(
    *, complaint: Complaint, severity: int, by, reason: str, now: datetime.datetime
) -> Complaint:
    """Staff override the category's severity. Clocks that have not run out
    are recomputed from when they started; raising to S1 alerts on-call and
    holds the agency's work."""
    if severity not in Severity.values:
        raise ValidationError(_("Choose a severity from S1 to S4."), code="severity")
    if not reason.strip():
        raise ValidationError(_("Give a reason for changing the severity."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        previous = complaint.severity
        if previous == severity:
            return complaint
        touch(complaint, now, severity=severity, severity_overridden=True)
        calendar = sla.business_calendar()
        for target in sla.open_targets(complaint).filter(extension_count=0, breached_at__isnull=True):
            sla.target_start(
                complaint=complaint,
                kind=target.kind,
                now=now,
                calendar=calendar,
                started_at=target.started_at,
                paused_total=target.paused_total,
            )
        timeline_add(
            complaint=complaint,
            kind=Kind.SEVERITY_CHANGED,
            at=now,
            visibility=Visibility.INTERNAL,
            author=by,
            text=reason,
            data={"from": previous, "to": severity},
        )
        if severity == Severity.S1 and complaint.routed_at is not None:
            on_call_alert(complaint=complaint, now=now)
            hold_place(complaint=complaint, now=now)
        return complaint
