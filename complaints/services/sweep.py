"""The periodic sweep: one pass over everything whose time has come."""

import datetime

from django.utils import timezone

from common.queryplans import custom_plans

from ..models import Complaint, Status
from . import sla
from .decisions import complaint_close_after_review_window
from .retention import evidence_purge


def sla_sweep(*, now: datetime.datetime | None = None, batch_size: int = 500) -> dict[str, int]:
    """Warn and escalate what is due, close decided complaints whose review
    window has passed, and delete evidence past its retention. Reads ``now``
    once, works in batches through partial indexes, and changes nothing when
    re-run."""
    now = now or timezone.now()
    counts = {**sla.targets_sweep(now=now, batch_size=batch_size), "closed": 0}
    after = 0
    while True:
        # Planned with its values every time (see ``clocks.ClockSweep.due_ids``): a
        # generic plan cannot use the partial index of resolved complaints,
        # as it cannot know that ``status = $1`` is "resolved".
        with custom_plans():
            ids = list(
                Complaint.objects.filter(status=Status.RESOLVED, review_window_ends_at__lte=now, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
        if not ids:
            break
        for complaint_id in ids:
            counts["closed"] += complaint_close_after_review_window(complaint_id=complaint_id, now=now)
        after = ids[-1]
    counts["evidence_purged"] = evidence_purge(now=now, batch_size=batch_size)
    return counts
