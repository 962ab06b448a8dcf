"""Writes of the desk app: the personal-data access log."""

import datetime

from .models import DataAccessRecord


def data_access_record(
    *,
    user,
    subject: str,
    now: datetime.datetime,
    action: str = DataAccessRecord.Action.VIEWED,
    detail: dict | None = None,
    rows: int | None = None,
) -> DataAccessRecord:
    """Keep who saw or exported a borrower's personal data (PIPL). Every page
    and export goes through here, so the log has one shape to search."""
    return DataAccessRecord.objects.create(
        user=user, action=action, subject=subject, detail=detail or {}, rows=rows, at=now
    )
