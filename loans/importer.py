"""Import the lender's JSON Lines feed (the format is documented in the README).

Every record is keyed by its external id, so importing the same feed twice
changes nothing, and a record that changed updates its row. A bad line is
reported with its number and reason and never costs the good ones: the
checks refuse most bad lines before they write anything, and lines are
written a hundred at a time inside a savepoint; if the database refuses one,
that group is rolled back and replayed with one savepoint per line. Lines are
read as bytes and decoded one by one, so a byte that is not UTF-8 also costs
only its line. Lines are grouped in chunks; each chunk's referenced rows are loaded in a few queries and,
outside a dry run, each chunk commits on its own so a large load keeps its
progress and holds locks briefly.

The importer writes loans and the agency registry only: the measures it
wrote are listed in the report (``measure_ids``) so that the caller, which
knows about advance notices, can schedule them.
"""

import datetime
import json
import logging
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import BinaryIO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from loans.feed.context import FeedContext
from loans.feed.fields import RowRejected
from loans.feed.records import APPLIERS, ID_OWNER_FIELDS
from loans.feed.report import ImportReport

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
# Lines written inside one savepoint; see _import_group.
GROUP_SIZE = 100
MAX_ID_LENGTH = 64
# A record is a few kilobytes at most; a longer line is refused unread.
MAX_LINE_BYTES = 1024 * 1024

__all__ = ["ImportReport", "feed_import", "feed_lines"]


def feed_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The lines of a feed file or of standard input, as bytes: decoding
    happens line by line in the import, so that one bad byte costs one line.

    A line longer than ``MAX_LINE_BYTES`` is cut just past the limit and the
    rest of it skipped, so it never has to fit in memory; the import then
    rejects it as too long."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield line


def feed_import(
    *, lines: Iterable[bytes | str], now: datetime.datetime, dry_run: bool = False, chunk_size: int = CHUNK_SIZE
) -> ImportReport:
    """Import feed lines, with or without their line endings: bytes as read
    by :func:`feed_lines` (UTF-8, decoded here), or text already decoded.

    ``now`` is the moment the import runs: contacts, stage changes and
    preference changes later than it are refused. With ``dry_run`` everything
    is checked and counted exactly as in a real import, then rolled back.

    The report's ``measure_ids`` are the measures written by committed
    chunks (none in a dry run): the caller schedules their advance notices.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    report = ImportReport(dry_run=dry_run)
    for record_type in APPLIERS:
        report.counted(record_type)
    if dry_run:
        with transaction.atomic():
            _run(lines=lines, now=now, report=report, chunk_size=chunk_size, commit_chunks=False)
            transaction.set_rollback(True)
    else:
        _run(lines=lines, now=now, report=report, chunk_size=chunk_size, commit_chunks=True)
    # Unreadable lines are reported as a chunk is read, the chunk's records
    # only when it is written: put the errors back in the file's order.
    report.errors.sort(key=lambda error: error.line)
    return report


def _run(
    *, lines: Iterable[bytes | str], now: datetime.datetime, report: ImportReport, chunk_size: int, commit_chunks: bool
) -> None:
    context = FeedContext(now=now)
    for chunk in _chunks(_parsed(lines, report), chunk_size):
        context.prefetch(record for _number, record in chunk)
        if commit_chunks:
            with transaction.atomic():
                _import_chunk(chunk, context=context, report=report)
            report.measure_ids.extend(context.touched_measures)
        else:
            _import_chunk(chunk, context=context, report=report)
        context.forget_chunk()
        context.touched_measures.clear()


def _parsed(lines: Iterable[bytes | str], report: ImportReport) -> Iterator[tuple[int, dict]]:
    """Yield (line number, record) for each readable line; report the rest.

    Messages say what is wrong with the line in our words: never the line
    itself or the decoder's error text, which may be garbled or echo data."""
    for number, line in enumerate(lines, start=1):
        report.lines = number
        if len(line) > MAX_LINE_BYTES:
            report.reject(
                line=number,
                record_type="",
                record_id="",
                code="too_long",
                message=_("The line is longer than %(max)d bytes.") % {"max": MAX_LINE_BYTES},
            )
            continue
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                report.reject(
                    line=number,
                    record_type="",
                    record_id="",
                    code="invalid_utf8",
                    message=_("The line is not valid UTF-8 text."),
                )
                continue
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        if "\\u0000" in line:
            # PostgreSQL text cannot hold NUL; refuse it before it reaches a query.
            report.reject(
                line=number,
                record_type="",
                record_id="",
                code="invalid_json",
                message=_("The line contains a NUL character (\\u0000), which no field may hold."),
            )
            continue
        try:
            record = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as error:
            message = _("Not valid JSON: the error is at character %(position)d.") % {"position": error.pos + 1}
        except RecursionError:
            message = _("Not valid JSON: it is nested too deeply.")
        except ValueError:
            # Python refuses to read integers of thousands of digits.
            message = _("Not valid JSON: a number has too many digits.")
        else:
            message = None
        if message is not None:
            report.reject(line=number, record_type="", record_id="", code="invalid_json", message=message)
            continue
        try:
            json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError:
            report.reject(
                line=number,
                record_type="",
                record_id="",
                code="invalid_json",
                message=_("The line contains an unpaired surrogate escape, which is not valid text."),
            )
            continue
        if not isinstance(record, dict):
            report.reject(
                line=number,
                record_type="",
                record_id="",
                code="invalid_json",
                message=_("Each line must be one JSON object."),
            )
            continue
        yield number, record


def _chunks(records: Iterator[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for item in records:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _record_id(record: dict) -> str:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise RowRejected(_("The field “id” is missing."), code="missing", field="id")
    value = value.strip()
    if len(value) > MAX_ID_LENGTH:
        raise RowRejected(
            _("“id” is longer than %(max)d characters.") % {"max": MAX_ID_LENGTH}, code="invalid", field="id"
        )
    return value


def _refuse_repeat(number: int, record_type: str, record_id: str, record: dict, *, context: FeedContext) -> None:
    """Refuse a record already listed earlier in this import, whatever became
    of the earlier one: otherwise the last would win, and importing the file
    again would report changes. Replaying a line after a group rolled back
    finds its own number and passes."""
    owner = record.get(ID_OWNER_FIELDS.get(record_type, ""))
    owner = str(owner).strip() if isinstance(owner, str | int) else ""
    first = context.first_lines.setdefault((record_type, owner), {}).setdefault(record_id, number)
    if first != number:
        raise RowRejected(
            _("Duplicate of line %(line)d: a feed may list each record only once.") % {"line": first},
            code="duplicate",
            field="id",
        )


def _import_chunk(chunk: list[tuple[int, dict]], *, context: FeedContext, report: ImportReport) -> None:
    for start in range(0, len(chunk), GROUP_SIZE):
        group = chunk[start : start + GROUP_SIZE]
        if not _import_group(group, context=context, report=report):
            for number, record in group:
                _import_alone(number, record, context=context, report=report)


def _import_group(group: list[tuple[int, dict]], *, context: FeedContext, report: ImportReport) -> bool:
    """Import a group of lines inside one savepoint (a savepoint costs two
    round trips, which would otherwise double the cost of a line).

    A line refused by the checks writes nothing and is reported as usual. If
    the database refuses a line, or anything unexpected happens, the whole
    group is rolled back and False is returned: the caller then replays the
    group with one savepoint per line, so that only the bad line is lost."""
    staged = ImportReport()
    measures_before = len(context.touched_measures)
    try:
        with transaction.atomic():
            for number, record in group:
                _apply_line(number, record, context=context, report=staged)
    except Exception:  # noqa: BLE001 - replayed line by line, where each failure is reported
        context.forget()
        del context.touched_measures[measures_before:]
        return False
    report.merge(staged)
    return True


def _import_alone(number: int, record: dict, *, context: FeedContext, report: ImportReport) -> None:
    record_type = record.get("type")
    try:
        with transaction.atomic():
            _apply_line(number, record, context=context, report=report)
    except DatabaseError:
        # A constraint the checks did not foresee. The savepoint rolled the
        # line back; cached rows may be stale, so reload them. The database's
        # own words may quote stored data, so they go to the log only.
        logger.warning(
            "Feed line %d (%s %r) refused by the database.", number, record_type, _loose_id(record), exc_info=True
        )
        context.forget()
        report.reject(
            line=number,
            record_type=record_type,
            record_id=_loose_id(record),
            code="conflict",
            message=_("The database refused the row because it conflicts with stored data; it has been logged."),
        )
    except Exception:
        # A case the checks did not foresee must cost this line only: the
        # savepoint rolled it back. Logged for the developers.
        logger.exception("Feed line %d (%s %r) failed unexpectedly.", number, record_type, _loose_id(record))
        context.forget()
        report.reject(
            line=number,
            record_type=record_type,
            record_id=_loose_id(record),
            code="error",
            message=_("The row could not be imported because of an unexpected error; it has been logged."),
        )


def _loose_id(record: dict) -> str:
    return str(record.get("id", ""))[:MAX_ID_LENGTH]


def _apply_line(number: int, record: dict, *, context: FeedContext, report: ImportReport) -> None:
    """Apply one line and count it. Refusals by the checks are reported here;
    database errors and anything unexpected propagate to the caller, which
    holds the savepoint."""
    record_type = record.get("type")
    applier = APPLIERS.get(record_type) if isinstance(record_type, str) else None
    if applier is None:
        report.reject(
            line=number,
            record_type="",
            record_id=_loose_id(record),
            code="unknown_type",
            message=_("Unknown record type “%(type)s”; use one of: %(types)s.")
            % {"type": record_type, "types": ", ".join(APPLIERS)},
        )
        return
    record_id = ""
    try:
        record_id = _record_id(record)
        _refuse_repeat(number, record_type, record_id, record, context=context)
        outcome = applier(context, record_id, record)
    except RowRejected as rejection:
        report.reject(
            line=number,
            record_type=record_type,
            record_id=record_id,
            code=rejection.code,
            field=rejection.field,
            message=rejection.message,
        )
        return
    counts = report.counted(record_type)
    setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
