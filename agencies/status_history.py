"""When agencies' and collectors' statuses changed, read from their saved
versions.

Every path that changes a status (the suspension services, the lender's
feed, a feed record that reports a change late) saves a version of the row,
so a change is found the same way whichever path made it: a version whose
status differs from the version before it. An agency's change takes effect
when its record says (``status_changed_at``, which the feed may report
after the fact); a collector's when it was saved.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .models import Agency, Collector


@dataclass(frozen=True)
class StatusChange:
    # The saved version that carries the new status, its reasons and who saved it.
    version: Any
    # The status before the change; None when the party was first recorded
    # in a status other than active.
    previous: str | None
    at: datetime.datetime

    @property
    def status(self) -> str:
        return self.version.status


def _effective(version) -> datetime.datetime:
    return getattr(version, "status_changed_at", None) or version.history_date


def status_changes(model: type[Agency] | type[Collector], *, ids) -> list[StatusChange]:
    """Each change of status of these agencies or collectors, in the order
    the versions were saved: by row, not by date, since the feed dates its
    versions by its import's ``now``, which need not follow the clock."""
    changes = []
    previous: dict[int, str] = {}
    for version in model.history.filter(id__in=ids).order_by("history_id"):
        before = previous.get(version.id)
        if (before is None and version.status != model.Status.ACTIVE) or (
            before is not None and version.status != before
        ):
            changes.append(StatusChange(version=version, previous=before, at=_effective(version)))
        previous[version.id] = version.status
    return changes


def status_changes_between(
    model: type[Agency] | type[Collector],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    agency_id: int | None = None,
) -> list[StatusChange]:
    """The changes that took effect from ``start`` until ``end``, of one
    agency (and its collectors) or of all, oldest first. A change reported
    late counts in the time it took effect."""
    if model is Agency:
        in_period = Q(status_changed_at__gte=start, status_changed_at__lt=end) | Q(
            status_changed_at__isnull=True, history_date__gte=start, history_date__lt=end
        )
        scope = {"id": agency_id}
    else:
        in_period = Q(history_date__gte=start, history_date__lt=end)
        scope = {"agency_id": agency_id}
    versions = model.history.filter(in_period)
    if agency_id:
        versions = versions.filter(**scope)
    ids = set(versions.values_list("id", flat=True))
    changes = [change for change in status_changes(model, ids=ids) if start <= change.at < end]
    return sorted(changes, key=lambda change: (change.at, change.version.history_id))
