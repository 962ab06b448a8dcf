"""Files the parties attach to a complaint, and how long they are kept."""

import datetime
import secrets

from django.conf import settings

from common.fixedsql import insert_rows

from ..models import Complaint, Evidence, Party, TimelineEvent
from ..uploads import CheckedFile, store_with_rows
from .timeline import timeline_add_many, timeline_event


def evidence_retention() -> datetime.timedelta:
    """How long evidence is kept after a complaint ends (3 years by default;
    ``COMPLAINT_EVIDENCE_RETENTION_DAYS`` changes it)."""
    return datetime.timedelta(days=getattr(settings, "COMPLAINT_EVIDENCE_RETENTION_DAYS", 3 * 365 + 1))


def evidence_add(
    *, complaint: Complaint, files: list[CheckedFile], party: str, user, now: datetime.datetime, agency=None
) -> list[Evidence]:
    """Store checked files against the complaint. Caller holds the lock. An
    agency's files name the agency: no other agency sees them."""
    if party == Party.AGENCY and agency is None:
        raise ValueError("An agency's files must name the agency.")

    def row(**stored) -> Evidence:
        return Evidence(
            complaint=complaint,
            token=secrets.token_urlsafe(16),
            party=party,
            agency=agency if party == Party.AGENCY else None,
            uploaded_by=user,
            uploaded_at=now,
            **stored,
        )

    return store_with_rows(files, row=row, save=insert_rows)


def evidence_events(
    *, complaint: Complaint, evidence: list[Evidence], visibility: str, author, now: datetime.datetime
) -> list[TimelineEvent]:
    """The timeline event that files were added, not yet appended: none
    without files. A caller appending other events of the moment appends
    them together."""
    if not evidence:
        return []
    return [
        timeline_event(
            complaint=complaint,
            kind=TimelineEvent.Kind.EVIDENCE_ADDED,
            at=now,
            visibility=visibility,
            author=author,
            data={"files": [e.original_name for e in evidence], "evidence": [e.pk for e in evidence]},
        )
    ]


def evidence_event(**event) -> None:
    """Append :func:`evidence_events`, if any."""
    if added := evidence_events(**event):
        timeline_add_many(added)
