import datetime

from ..models import Complaint, TimelineEvent


def timeline_add(
    *,
    complaint: Complaint,
    kind: str,
    at: datetime.datetime,
    visibility: str,
    author=None,
    text: str = "",
    data: dict | None = None,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        complaint=complaint, kind=kind, at=at, visibility=visibility, author=author, text=text, data=data or {}
    )
