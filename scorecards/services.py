"""Computing the quarterly figures the public scorecards show."""

import datetime

from django.db import transaction

from agencies.models import Agency

from .counting import quarter_before, quarter_bounds, quarter_counts, quarter_start
from .models import QuarterFigures

# The quarters recomputed on each run: the current one and the three before,
# so late reports and decisions still reach a closed quarter's figures.
QUARTERS_KEPT_FRESH = 4
BATCH_SIZE = 500
COUNT_FIELDS = (
    "accounts",
    "complaints",
    "findings",
    "substantiated",
    "responses_due",
    "responses_on_time",
    "decisions_due",
    "decisions_on_time",
    "contacts",
    "breaches",
    "measures_due",
    "measures_on_time",
)


def scorecards_compute(*, now: datetime.datetime, quarters: int = QUARTERS_KEPT_FRESH) -> int:
    """Recompute the last ``quarters`` quarters (the current one included)
    and store what changed; returns the number of rows written.

    Harmless to re-run: a row whose counts and completeness are unchanged is
    not written, so its ``computed_at`` (which the pages serve as
    Last-Modified) keeps the time the figures last changed.
    """
    start = quarter_start(now)
    written = 0
    for _step in range(quarters):
        written += quarter_figures_compute(start=start, now=now)
        start = quarter_before(start)
    return written


def quarter_figures_compute(*, start: datetime.date, now: datetime.datetime) -> int:
    """Count one quarter for every agency and store the rows that changed,
    in batches, in one transaction."""
    counts = quarter_counts(start=start, now=now)
    complete = quarter_bounds(start)[1] <= now
    agency_ids = set(Agency.objects.values_list("pk", flat=True))
    existing = {row.agency_id: row for row in QuarterFigures.objects.filter(quarter_start=start)}
    changed = []
    for agency_id, found in counts.items():
        if agency_id not in agency_ids:
            continue
        values = {name: found.get(name, {} if name == "breaches" else 0) for name in COUNT_FIELDS}
        row = existing.get(agency_id)
        if row is not None and row.complete == complete and all(getattr(row, k) == v for k, v in values.items()):
            continue
        changed.append(
            QuarterFigures(agency_id=agency_id, quarter_start=start, computed_at=now, complete=complete, **values)
        )
    stale = [row.pk for agency_id, row in existing.items() if agency_id not in counts]
    with transaction.atomic():
        if stale:
            QuarterFigures.objects.filter(pk__in=stale).delete()
        for index in range(0, len(changed), BATCH_SIZE):
            QuarterFigures.objects.bulk_create(
                changed[index : index + BATCH_SIZE],
                update_conflicts=True,
                unique_fields=["agency", "quarter_start"],
                update_fields=["computed_at", "complete", *COUNT_FIELDS],
            )
    return len(changed) + len(stale)
