"""The write at the heart of every guarded status change (a complaint's, a
borrower request's): the caller has locked the row and checked its table of
allowed moves; this sets the status, its timestamp and what else the move
changes, and saves only those columns."""

import datetime

from django.db import models


def status_write(
    row: models.Model,
    *,
    to: str,
    now: datetime.datetime,
    timestamps: dict[str, str],
    extra_fields: dict | None = None,
) -> str:
    """Set ``row.status`` to ``to``, stamp ``now`` into the column
    ``timestamps`` names for it (if any) and into ``updated_at``, apply
    ``extra_fields`` last, and save those columns. Returns the status it
    left, for the event the caller appends."""
    previous = row.status
    row.status = to
    fields = {"status", "updated_at"}
    if to in timestamps:
        setattr(row, timestamps[to], now)
        fields.add(timestamps[to])
    for name, value in (extra_fields or {}).items():
        setattr(row, name, value)
        fields.add(name)
    row.updated_at = now
    row.save(update_fields=sorted(fields))
    return previous
