"""Hand-written SQL for the few reads too hot for the ORM, on PostgreSQL and SQLite.

Building and compiling a queryset costs the ORM far more than PostgreSQL
spends running a narrow indexed query, so the borrower's account page reads
through fixed statements instead (with prepared statements on PostgreSQL,
planned once per connection). Statements use named ``%(name)s`` parameters;
these helpers convert what goes in and what comes out the way the ORM would,
so callers see aware datetimes and decimals on either database.
"""

import datetime
import json
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time


def fetch_one(sql: str, params: dict) -> dict | None:
    """The first row, keyed by column name (so callers decode by name, and a
    column added to the statement cannot shift the others)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        names = _column_names.get((connection.vendor, sql))
        if names is None:
            names = _column_names[connection.vendor, sql] = tuple(column[0] for column in cursor.description)
        return dict(zip(names, row, strict=True))


# A statement's column names, read from the first result's description: the
# statements are fixed text, so their names never change, and describing
# forty columns on every request cost more than reading them.
_column_names: dict[tuple[str, str], tuple[str, ...]] = {}


def db_datetime(value: datetime.datetime) -> datetime.datetime | str:
    """A datetime parameter as the database stores it (UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def aware(value) -> datetime.datetime | None:
    """A datetime column: SQLite gives naive UTC or, from an expression, text;
    in a JSON array, both databases give ISO 8601 text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def decimal(value) -> Decimal | None:
    """A decimal column: SQLite stores decimals as numbers."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def time_of_day(value) -> datetime.time | None:
    return parse_time(value) if isinstance(value, str) else value


def date(value) -> datetime.date | None:
    return parse_date(value) if isinstance(value, str) else value


def json_list(value) -> list:
    """A JSON array aggregated by the database (of objects, or of plain
    values): parsed by psycopg on PostgreSQL (None when nothing was
    aggregated), text on SQLite."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
