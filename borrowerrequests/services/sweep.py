"""The periodic sweep: one pass over everything whose time has come."""

import datetime

from django.utils import timezone

from ..models import BorrowerRequest, Status
from . import deadlines
from .decisions import request_period_end


def requests_sweep(*, now: datetime.datetime | None = None, batch_size: int = 500) -> dict[str, int]:
    """Warn and escalate staff deadlines that are near or past, and end the
    restrictions whose chosen period is over (from the end of the day named,
    whenever the sweep runs). Reads ``now`` once, works in batches, and
    changes nothing when re-run."""
    now = now or timezone.now()
    counts = {**deadlines.deadlines_sweep(now=now, batch_size=batch_size), "ended": 0}
    # A period ends at the start of the day after ``restricted_until``.
    last_day = timezone.localdate(now) - datetime.timedelta(days=1)
    after = 0
    while True:
        ids = list(
            BorrowerRequest.objects.filter(
                status__in=[Status.FILED, Status.IN_FORCE], restricted_until__lte=last_day, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        for request_id in ids:
            counts["ended"] += request_period_end(request_id=request_id, now=now)
        after = ids[-1]
    return counts
