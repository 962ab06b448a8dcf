"""Writes of the personal-data access log: the one way a row gets in."""

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
    borrower_id: int | None = None,
) -> DataAccessRecord:
    """Keep who saw or exported a borrower's personal data (PIPL). Every page,
    download and export goes through here, so the log has one shape to
    search. ``borrower_id`` names the one borrower whose data it was, when
    there is one."""
    return DataAccessRecord.objects.create(
        user=user, action=action, subject=subject, detail=detail or {}, rows=rows, borrower_id=borrower_id, at=now
    )


def data_access_rows_set(*, record: DataAccessRecord, rows: int) -> None:
    """Complete an export's row count once it is known: a streamed export is
    recorded before its first row goes out, so an interrupted one still
    leaves a trace."""
    DataAccessRecord.objects.filter(pk=record.pk).update(rows=rows)
    record.rows = rows
