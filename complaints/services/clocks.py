"""The sweep of deadline clocks, for every model built on
:class:`complaints.models.SLAClock` (a complaint's SLA targets, a borrower
request's staff deadline): find what is due through the partial indexes,
lock the owner and then the clock, stamp the warning or the breach once,
and leave to the owner's app what is recorded and who is told.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from common.queryplans import custom_plans

from ..models import SLAClock

# What the owner's app does once a clock is stamped, inside the same
# transaction: (owner, clock, now).
Announce = Callable[[models.Model, SLAClock, datetime.datetime], None]


@dataclass(frozen=True)
class ClockSweep:
    """The sweep of one clock model. ``owner`` names its foreign key to the
    row every transition locks first; ``owners`` is the queryset that row is
    locked through (with what ``warned`` and ``breached`` read)."""

    model: type[SLAClock]
    owner: str
    owners: models.QuerySet
    warned: Announce
    breached: Announce

    def due_ids(self, *, field: str, done_field: str, now: datetime.datetime, after: int, batch_size: int) -> list[int]:
        # Planned with ``now`` every time (``custom_plans``): the partial index
        # holds every open clock, and only the value of ``now`` tells the
        # planner that few are due. The generic plan PostgreSQL switches the
        # prepared statement to from its sixth run on a connection walks the
        # whole table in id order instead: 1-3 s rather than a few ms at
        # 1,000,000 open complaints (``bench/sla_sweep.py``). Rewriting the
        # query for a better generic plan would still leave the plan to
        # guesses about ``due_at <= $1``; the custom plan is the one ``EXPLAIN``
        # with the values shows, for a fraction of a millisecond of planning.
        with custom_plans():
            return list(
                self.model.objects.filter(
                    met_at__isnull=True,
                    cancelled_at__isnull=True,
                    paused_at__isnull=True,
                    **{f"{done_field}__isnull": True, f"{field}__lte": now, "pk__gt": after},
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )

    def lock(self, clock_id: int, done_field: str):
        """Lock the owner first, then the clock: the order every transition
        uses, so the sweep cannot deadlock with a borrower or staff action.
        The clock is None when it is no longer open, paused or undone."""
        owner_id = self.model.objects.filter(pk=clock_id).values_list(f"{self.owner}_id", flat=True).first()
        if owner_id is None:
            return None, None
        owner = self.owners.select_for_update(of=("self",)).get(pk=owner_id)
        clock = (
            self.model.objects.select_for_update()
            .filter(
                pk=clock_id,
                met_at__isnull=True,
                cancelled_at__isnull=True,
                paused_at__isnull=True,
                **{f"{done_field}__isnull": True},
            )
            .first()
        )
        return owner, clock

    def warn(self, *, clock_id: int, now: datetime.datetime) -> bool:
        """Warn once. Returns whether this call warned."""
        with transaction.atomic():
            owner, clock = self.lock(clock_id, "warned_at")
            if clock is None or clock.warn_at > now:
                return False
            clock.warned_at = now
            clock.save(update_fields=["warned_at"])
            self.warned(owner, clock, now)
            return True

    def breach(self, *, clock_id: int, now: datetime.datetime) -> bool:
        """Record a breach once, escalated (and warned, if it never was).
        Returns whether this call did it."""
        with transaction.atomic():
            owner, clock = self.lock(clock_id, "breached_at")
            if clock is None or clock.due_at > now:
                return False
            clock.breached_at = now
            clock.escalated_at = now
            if clock.warned_at is None:
                clock.warned_at = now
            clock.save(update_fields=["breached_at", "escalated_at", "warned_at"])
            self.breached(owner, clock, now)
            return True

    def sweep(self, *, now: datetime.datetime, batch_size: int) -> dict[str, int]:
        """Escalate what is past due, then warn what is near, in batches through
        the partial indexes; a clock already warned or escalated is skipped, so
        a re-run changes nothing."""
        counts = {"breached": 0, "warned": 0}
        for field, done_field, action, name in (
            ("due_at", "breached_at", self.breach, "breached"),
            ("warn_at", "warned_at", self.warn, "warned"),
        ):
            after = 0
            while True:
                ids = self.due_ids(field=field, done_field=done_field, now=now, after=after, batch_size=batch_size)
                if not ids:
                    break
                for clock_id in ids:
                    counts[name] += action(clock_id=clock_id, now=now)
                after = ids[-1]
        return counts
