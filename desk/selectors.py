"""Figures for the desk dashboard. The agencies' scorecards are counted in
``scorecards.counting``, the one home of those rules, which the public
scorecards read too.

Every selector takes ``now``; nothing reads the clock. Weeks run Monday to
Sunday in Asia/Shanghai.
"""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncWeek

from borrowerrequests.selectors import requests_in_sla_state
from complaints.models import OPEN_STATUSES, Complaint, SLATarget
from complaints.sla_state import SlaState
from scorecards.counting import (
    TREND_WEEKS,
    AgencyScore,
    agency_scorecards,
    week_index,
    week_start,
    week_starts,
)

from .sla import open_target_summary, state_of_summary

__all__ = [
    "AgencyScore",
    "agency_scorecards",
    "breaches_this_week",
    "complaints_trend",
    "open_complaints_by_sla_state",
    "requests_needing_attention",
    "week_start",
    "week_starts",
]


def open_complaints_by_sla_state(*, now: datetime.datetime) -> dict[str, int]:
    """Open complaints counted by the state their SLA badge shows."""
    counts = dict.fromkeys(SlaState.values, 0)
    summary = open_target_summary(now).filter(complaint__status__in=OPEN_STATUSES)
    for row in summary:
        counts[state_of_summary(row)] += 1
    counts["total"] = Complaint.objects.filter(status__in=OPEN_STATUSES).count()
    counts[SlaState.NONE.value] = counts["total"] - sum(
        counts[state] for state in (SlaState.BREACHED, SlaState.AT_RISK, SlaState.ON_TRACK, SlaState.PAUSED)
    )
    return counts


def breaches_this_week(*, now: datetime.datetime) -> dict[str, int]:
    """Deadlines missed since Monday 00:00, by kind of deadline."""
    rows = (
        SLATarget.objects.filter(breached_at__gte=week_start(now), breached_at__lte=now)
        .values("kind")
        .annotate(n=Count("pk"))
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    by_kind["total"] = sum(by_kind.values())
    return by_kind


def complaints_trend(*, now: datetime.datetime, weeks: int = TREND_WEEKS) -> list[tuple[datetime.datetime, int]]:
    """Complaints received per week, all agencies and none."""
    starts = week_starts(now=now, weeks=weeks)
    counts = [0] * weeks
    rows = (
        Complaint.objects.filter(submitted_at__gte=starts[0], submitted_at__lte=now)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        index = week_index(starts, row["week"])
        if index is not None:
            counts[index] += row["n"]
    return list(zip(starts, counts, strict=True))


def requests_needing_attention(*, now: datetime.datetime) -> dict[str, int]:
    """Borrowers' requests whose staff deadline has passed (escalated by the
    sweep) or is near, by the same state rule as complaints."""
    return {
        state.value: requests_in_sla_state(state=state, now=now).count()
        for state in (SlaState.BREACHED, SlaState.AT_RISK)
    }
