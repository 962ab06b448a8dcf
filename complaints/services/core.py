"""The single step every status change goes through."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES, Complaint, Evidence, Party, Status, TimelineEvent, transition_allowed
from ..uploads import CheckedFile, store
from .timeline import timeline_add


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


def evidence_retention() -> datetime.timedelta:
    """How long evidence is kept after a complaint ends (3 years by default;
    ``COMPLAINT_EVIDENCE_RETENTION_DAYS`` changes it)."""
    return datetime.timedelta(days=getattr(settings, "COMPLAINT_EVIDENCE_RETENTION_DAYS", 3 * 365 + 1))


def lock(complaint: Complaint | int) -> Complaint:
    """Fetch the complaint again under a row lock (inside a transaction)."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("borrower", "account", "agency", "assignee")
        .get(pk=pk)
    )


def refuse(complaint: Complaint, target: str) -> ComplaintTransitionError:
    return ComplaintTransitionError(
        _("This complaint is “%(status)s” and cannot be moved to “%(target)s”."),
        code="transition_not_allowed",
        params={"status": complaint.get_status_display(), "target": Status(target).label},
    )


def require_open(complaint: Complaint) -> None:
    if complaint.status not in OPEN_STATUSES:
        raise ComplaintTransitionError(
            _("This complaint is “%(status)s”; it is no longer open."),
            code="not_open",
            params={"status": complaint.get_status_display()},
        )


def move(
    *,
    complaint: Complaint,
    to: str,
    now: datetime.datetime,
    kind: str,
    visibility: str,
    author=None,
    text: str = "",
    data: dict | None = None,
    extra_fields: dict | None = None,
) -> TimelineEvent:
    """Change the status of a complaint the caller has locked with
    :func:`lock`: refuse a move the table does not allow, set the status and
    its timestamp, save, and append the timeline event."""
    if not transition_allowed(complaint.status, to):
        raise refuse(complaint, to)
    previous = complaint.status
    complaint.status = to
    fields = {"status", "updated_at"}
    if to in STATUS_TIMESTAMPS:
        setattr(complaint, STATUS_TIMESTAMPS[to], now)
        fields.add(STATUS_TIMESTAMPS[to])
    if to in (Status.CLOSED, Status.WITHDRAWN):
        complaint.evidence_kept_until = now + evidence_retention()
        fields.add("evidence_kept_until")
    elif complaint.evidence_kept_until is not None:
        complaint.evidence_kept_until = None
        fields.add("evidence_kept_until")
    for name, value in (extra_fields or {}).items():
        setattr(complaint, name, value)
        fields.add(name)
    complaint.updated_at = now
    complaint.save(update_fields=sorted(fields))
    return timeline_add(
        complaint=complaint,
        kind=kind,
        at=now,
        visibility=visibility,
        author=author,
        text=text,
        data={"from": previous, "to": to, **(data or {})},
    )


def touch(complaint: Complaint, now: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(complaint, name, value)
    complaint.updated_at = now
    complaint.save(update_fields=["updated_at", *fields])


def evidence_add(
    *, complaint: Complaint, files: list[CheckedFile], party: str, user, now: datetime.datetime, agency=None
) -> list[Evidence]:
    """Store checked files against the complaint. Caller holds the lock. An
    agency's files name the agency: no other agency sees them."""
    if party == Party.AGENCY and agency is None:
        raise ValueError("An agency's files must name the agency.")
    added = []
    for checked in files:
        storage_name, sha256 = store(checked)
        added.append(
            Evidence.objects.create(
                complaint=complaint,
                token=secrets.token_urlsafe(16),
                storage_name=storage_name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=sha256,
                party=party,
                agency=agency if party == Party.AGENCY else None,
                uploaded_by=user,
                uploaded_at=now,
            )
        )
    return added


def evidence_event(
    *, complaint: Complaint, evidence: list[Evidence], visibility: str, author, now: datetime.datetime
) -> None:
    if evidence:
        timeline_add(
            complaint=complaint,
            kind=TimelineEvent.Kind.EVIDENCE_ADDED,
            at=now,
            visibility=visibility,
            author=author,
            data={"files": [e.original_name for e in evidence], "evidence": [e.pk for e in evidence]},
        )
