"""How one SLA clock stands at a moment: the rule in Python and, beside it,
the same rule in SQL.

The desk's badge, its list filter and counts, the agency workspace and the
agency API all judge a deadline here, so a paused clock reads the same
everywhere. Keep the two forms in step: ``tests/complaints/test_sla_state.py``
checks that they agree.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SlaState(models.TextChoices):
    BREACHED = "breached", _("Breached")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")
    PAUSED = "paused", _("Paused")
    NONE = "none", _("No open deadline")


# Of several clocks, the first state in this order that any of them is in
# is the state of the whole.
WORST_FIRST = (SlaState.BREACHED, SlaState.AT_RISK, SlaState.ON_TRACK, SlaState.PAUSED)


def sla_state(target, *, now: datetime.datetime) -> str:
    """The state of one ``SLATarget`` (or of none). A breach the sweep
    recorded stands even if the clock was paused since."""
    if target is None or target.met_at is not None or target.cancelled_at is not None:
        return SlaState.NONE
    if target.breached_at is not None or (target.paused_at is None and target.due_at <= now):
        return SlaState.BREACHED
    if target.paused_at is not None:
        return SlaState.PAUSED
    if target.warn_at <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def sla_state_q(state: str, *, now: datetime.datetime, through: str = "") -> Q:
    """:func:`sla_state` as a condition on ``SLATarget`` rows, or on rows
    that point at one through the foreign key ``through`` (a missing target
    is ``NONE``). Uses only the columns the ``slatarget_open_clock`` index
    carries."""

    def q(**lookups) -> Q:
        return Q(**{f"{through}__{name}" if through else name: value for name, value in lookups.items()})

    is_open = q(met_at__isnull=True, cancelled_at__isnull=True)
    if through:
        is_open &= Q(**{f"{through}__isnull": False})
    breached = q(breached_at__isnull=False) | q(paused_at__isnull=True, due_at__lte=now)
    if state == SlaState.NONE:
        return ~is_open
    if state == SlaState.BREACHED:
        return is_open & breached
    if state == SlaState.PAUSED:
        return is_open & q(breached_at__isnull=True, paused_at__isnull=False)
    running = is_open & q(breached_at__isnull=True, paused_at__isnull=True, due_at__gt=now)
    if state == SlaState.AT_RISK:
        return running & q(warn_at__lte=now)
    if state == SlaState.ON_TRACK:
        return running & q(warn_at__gt=now)
    raise ValueError(f"Unknown SLA state {state!r}")
