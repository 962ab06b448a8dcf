"""The write at the heart of every guarded status change (a complaint's, a
borrower request's): the caller has locked the row and checked its table of
allowed moves; this sets the status, its timestamp and what else the move
changes, and saves only those columns. :func:`status_write_many` writes
several rows' moves in one statement (with their history rows)."""

import datetime
from collections.abc import Sequence

from django.db import models

from .bulkupdate import rows_update
from .fixedsql import insert_history


def status_stamp(
    row: models.Model,
    *,
    to: str,
    now: datetime.datetime,
    timestamps: dict[str, str],
    extra_fields: dict | None = None,
) -> tuple[str, set[str]]:
    """Set ``row.status`` to ``to``, stamp ``now`` into the column
    ``timestamps`` names for it (if any) and into ``updated_at``, apply
    ``extra_fields`` last. Returns the status it left and the columns it set."""
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
    return previous, fields


def status_write(row: models.Model, **move) -> str:
    """:func:`status_stamp` the row (same arguments) and save those columns.
    Returns the status it left, for the event the caller appends."""
    previous, fields = status_stamp(row, **move)
    row.save(update_fields=sorted(fields))
    return previous


def status_write_many(
    rows: Sequence[models.Model],
    *,
    to: str,
    now: datetime.datetime,
    timestamps: dict[str, str],
    extra_fields: Sequence[dict | None] | None = None,
) -> list[str]:
    """:func:`status_stamp` each of several rows of one model (``extra_fields``
    gives each row's own, in order) and write them in one statement, then
    the history rows ``save()`` would have written (for a model
    django-simple-history tracks), in one more. Returns the status each left."""
    extras = extra_fields or [None] * len(rows)
    previous, columns = [], set()
    for row, extra in zip(rows, extras, strict=True):
        left, fields = status_stamp(row, to=to, now=now, timestamps=timestamps, extra_fields=extra)
        previous.append(left)
        columns |= fields
    rows_update(rows, sorted(columns))
    if rows and hasattr(rows[0]._meta, "simple_history_manager_attribute"):
        insert_history(list(rows))
    return previous
