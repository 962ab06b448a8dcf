"""The complaint's append-only timeline, and who may read what is added."""

import datetime

from common.fixedsql import insert_row, insert_rows

from ..models import AGENCY_KINDS, Complaint, TimelineEvent

_UNSET = object()


def timeline_event(
    *,
    complaint: Complaint,
    kind: str,
    at: datetime.datetime,
    visibility: str,
    author=None,
    text: str = "",
    data: dict | None = None,
    agency=_UNSET,
) -> TimelineEvent:
    """An event not yet appended (:func:`timeline_add_many` appends it).
    What is written for agencies, and what concerns the handling by one,
    belongs to the responsible agency of the moment (or the ``agency``
    given): an agency the complaint later moves to never sees it."""
    if agency is _UNSET:
        concerns_agency = visibility == TimelineEvent.Visibility.AGENCY or kind in AGENCY_KINDS
        agency_id = complaint.agency_id if concerns_agency else None
    else:
        agency_id = getattr(agency, "pk", agency)
    return TimelineEvent(
        complaint=complaint,
        kind=kind,
        at=at,
        visibility=visibility,
        author=author,
        agency_id=agency_id,
        text=text,
        data=data or {},
    )


def timeline_add(**event) -> TimelineEvent:
    """Append an event: :func:`timeline_event`'s arguments."""
    return insert_row(timeline_event(**event))


def timeline_add_many(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Append events built by :func:`timeline_event` in one statement, in order."""
    return insert_rows(events)


def borrower_visibility(complaint: Complaint) -> str:
    """What the borrower adds reaches the agency only with their consent."""
    if complaint.consent_to_share:
        return TimelineEvent.Visibility.ALL
    return TimelineEvent.Visibility.BORROWER
