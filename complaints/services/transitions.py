"""The single step every status change goes through (:func:`lock` the row,
then :func:`move` it as ``TRANSITIONS`` allows), and the transitions that
only carry a complaint along: acknowledge it, start the platform's review,
escalate it."""

import contextlib
import datetime
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.transitions import status_write_many

from ..models import OPEN_STATUSES, Complaint, SLATarget, Status, TimelineEvent, transition_allowed
from . import notify, sla
from .evidence import evidence_retention
from .timeline import timeline_add_many, timeline_event

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


class ComplaintTransitionError(ValidationError):
    """The complaint's status does not allow this action."""


STATUS_TIMESTAMPS = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.WITH_AGENCY: "sent_to_agency_at",
    Status.AGENCY_RESPONDED: "agency_responded_at",
    Status.UNDER_REVIEW: "under_review_at",
    Status.ESCALATED: "escalated_at",
    Status.RESOLVED: "resolved_at",
    Status.REOPENED: "reopened_at",
    Status.CLOSED: "closed_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def lock(complaint: Complaint | int) -> Complaint:
    """Fetch the complaint again under a row lock (inside a transaction)."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("borrower", "account", "agency", "assignee")
        .get(pk=pk)
    )


def lock_many(complaint_ids) -> list[Complaint]:
    """Lock several complaints in one statement, in id order (the order
    every batch takes them in, so two batches never wait on each other in
    a circle), with what routing reads of each."""
    return list(
        Complaint.objects.select_for_update(of=("self",))
        .select_related("borrower", "account", "agency", "assignee", "category")
        .filter(pk__in=list(complaint_ids))
        .order_by("pk")
    )


def lock_own(complaint: Complaint, borrower) -> Complaint:
    complaint = lock(complaint)
    if complaint.borrower_id != borrower.pk:
        raise ComplaintTransitionError(_("This is not your complaint."), code="not_owner")
    return complaint


def refuse(complaint: Complaint, target: str) -> ComplaintTransitionError:
    return ComplaintTransitionError(
        gettext_lazy("This complaint is “%(status)s” and cannot be moved to “%(target)s”."),
        code="transition_not_allowed",
        params={"status": complaint.get_status_display(), "target": Status(target).label},
    )


def require_open(complaint: Complaint) -> None:
    if complaint.status not in OPEN_STATUSES:
        raise ComplaintTransitionError(
            gettext_lazy("This complaint is “%(status)s”; it is no longer open."),
            code="not_open",
            params={"status": complaint.get_status_display()},
        )


def move(*, complaint: Complaint, data: dict | None = None, extra_fields: dict | None = None, **step) -> TimelineEvent:
    """Change the status of a complaint the caller has locked with
    :func:`lock`: refuse a move the table does not allow, set the status and
    its timestamp, save, and append the timeline event (:func:`moves` of
    one; same arguments, ``data`` and ``extra_fields`` its own)."""
    return moves(complaints=[complaint], data=[data], extra_fields=[extra_fields], **step)[0]


def moves(
    *,
    complaints: Sequence[Complaint],
    to: str,
    now: datetime.datetime,
    kind: str,
    visibility: str,
    author=None,
    text: str = "",
    data: Sequence[dict | None] | None = None,
    extra_fields: Sequence[dict | None] | None = None,
) -> list[TimelineEvent]:
    """:func:`move` several locked complaints to the same status, each with
    its own event ``data`` and ``extra_fields`` (in order): none moves if
    one may not; the complaints are written in one statement, their history
    rows in one and their events in one."""
    for complaint in complaints:
        if not transition_allowed(complaint.status, to):
            raise refuse(complaint, to)
    fields = []
    for complaint, extra in zip(complaints, extra_fields or [None] * len(complaints), strict=True):
        retention = {}
        if to in (Status.CLOSED, Status.WITHDRAWN):
            retention["evidence_kept_until"] = now + evidence_retention()
        elif complaint.evidence_kept_until is not None:
            retention["evidence_kept_until"] = None
        fields.append({**retention, **(extra or {})})
    previous = status_write_many(complaints, to=to, now=now, timestamps=STATUS_TIMESTAMPS, extra_fields=fields)
    return timeline_add_many(
        [
            timeline_event(
                complaint=complaint,
                kind=kind,
                at=now,
                visibility=visibility,
                author=author,
                text=text,
                data={"from": left, "to": to, **(more or {})},
            )
            for complaint, left, more in zip(complaints, previous, data or [None] * len(complaints), strict=True)
        ]
    )


def touch(complaint: Complaint, now: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(complaint, name, value)
    complaint.updated_at = now
    complaint.save(update_fields=["updated_at", *fields])


def complaint_acknowledge(*, complaint: Complaint, by, now: datetime.datetime) -> Complaint:
    """Confirm receipt to the borrower with the committed dates. ``by`` is
    None when routing does it automatically."""
    with transaction.atomic():
        complaint = lock(complaint)
        acknowledge_locked(complaint=complaint, by=by, now=now)
        return complaint


def acknowledge_locked(*, complaint: Complaint, by, now: datetime.datetime, extra_fields: dict | None = None) -> None:
    """:func:`complaint_acknowledge` of a complaint the caller has locked
    with :func:`lock` (:func:`acknowledge_many` of one)."""
    acknowledge_many(complaints=[complaint], by=by, now=now, extra_fields=[extra_fields])


def acknowledge_many(
    *,
    complaints: Sequence[Complaint],
    by,
    now: datetime.datetime,
    extra_fields: Sequence[dict | None] | None = None,
    each: Callable[[int], contextlib.AbstractContextManager] | None = None,
) -> None:
    """Acknowledge complaints the caller has locked with :func:`lock`, in
    one write (routing acknowledges in its transaction, saving its own
    columns, each complaint's ``extra_fields``, in the same write): the
    acknowledgement clocks met together, each borrower told (within
    ``each(complaint_id)``, as the outbox scopes the messages of each)."""
    if not complaints:
        return
    events = moves(
        complaints=complaints,
        to=Status.ACKNOWLEDGED,
        now=now,
        kind=Kind.ACKNOWLEDGED,
        visibility=Visibility.BORROWER,
        author=by,
        extra_fields=extra_fields,
    )
    sla.targets_meet(complaints=complaints, kinds=(SLATarget.Kind.ACKNOWLEDGE,), now=now)
    for complaint, event in zip(complaints, events, strict=True):
        with each(complaint.pk) if each else contextlib.nullcontext():
            notify.notify_borrower(complaint=complaint, event="complaint.acknowledged", occurrence=event.pk, now=now)


def complaint_start_review(*, complaint: Complaint, by, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = lock(complaint)
        move(
            complaint=complaint,
            to=Status.UNDER_REVIEW,
            now=now,
            kind=Kind.REVIEW_STARTED,
            visibility=Visibility.BORROWER,
            author=by,
        )
        return complaint


def complaint_escalate(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> Complaint:
    if not reason.strip():
        raise ValidationError(_("Give a reason for the escalation."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        event = move(
            complaint=complaint,
            to=Status.ESCALATED,
            now=now,
            kind=Kind.ESCALATED,
            visibility=Visibility.INTERNAL,
            author=by,
            text=reason,
        )
        supervisors_tell(complaint=complaint, reason=reason, occurrence=event.pk, now=now)
        return complaint


def supervisors_tell(*, complaint: Complaint, reason: str, occurrence: int, now: datetime.datetime) -> None:
    with notify.staff_language():
        subject = _("Complaint %(reference)s escalated") % {"reference": complaint.reference}
        body = _("Complaint %(reference)s (%(severity)s) needs a supervisor.\n\n%(reason)s") % {
            "reference": complaint.reference,
            "severity": complaint.get_severity_display(),
            "reason": reason,
        }
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:escalated:{occurrence}",
        to=notify.supervisor_emails(),
        subject=subject,
        body=body,
        now=now,
    )
