"""What every applier shares: the outcome it reports, the one write step and
the checks of times that several record types make."""

import datetime
import enum

from django.db import models
from django.utils.translation import gettext as _

from loans.feed.context import FeedContext
from loans.feed.fields import RowRejected

CHANGE_REASON = "feed import"


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def max_length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


def write(
    model: type[models.Model], existing: models.Model | None, values: dict, *, now: datetime.datetime
) -> tuple[models.Model, Outcome]:
    """Create the row, or update only the fields that differ. ``values`` uses
    attribute names (``agency_id``), so nothing is fetched to compare. Change
    history (for the models that keep it) is dated ``now``."""
    if existing is None:
        row = model(**values)
        row._change_reason = CHANGE_REASON
        row._history_date = now
        row.save(force_insert=True)
        return row, Outcome.CREATED
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if not changed:
        return existing, Outcome.UNCHANGED
    for name in changed:
        setattr(existing, name, values[name])
    existing._change_reason = CHANGE_REASON
    existing._history_date = now
    existing.save(update_fields=changed)
    return existing, Outcome.UPDATED


def not_in_future(ctx: FeedContext, field: str, moment: datetime.datetime) -> None:
    if moment > ctx.now:
        raise RowRejected(
            _("“%(field)s” is in the future (%(when)s); only what has already happened can be reported.")
            % {"field": field, "when": moment.isoformat()},
            code="future_time",
            field=field,
        )


def ordered(start_field: str, start, end_field: str, end) -> None:
    if start is not None and end is not None and not start < end:
        raise RowRejected(
            _("“%(end)s” must be later than “%(start)s”.") % {"start": start_field, "end": end_field},
            code="invalid",
            field=end_field,
        )
