"""Figures for the desk dashboard and the agencies' scorecards.

Every selector takes ``now``; nothing reads the clock. Weeks run Monday to
Sunday in Asia/Shanghai.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from agencies.models import Agency
from complaints.models import OPEN_STATUSES, AgencyTicket, Category, Complaint, SLATarget
from complaints.sla_state import SlaState
from conduct.selectors import breaches_by_agency
from loans.models import Assignment
from notices.selectors import noncompliant_measures_by_agency

from .sla import open_target_summary, state_of_summary

TREND_WEEKS = 12


def week_start(when: datetime.datetime) -> datetime.datetime:
    """Monday 00:00 local time of the week ``when`` falls in."""
    local = timezone.localtime(when)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def week_starts(*, now: datetime.datetime, weeks: int = TREND_WEEKS) -> list[datetime.datetime]:
    """The Mondays of the last ``weeks`` weeks, oldest first, this week last."""
    current = week_start(now)
    starts = []
    for back in range(weeks - 1, -1, -1):
        day = timezone.localtime(current).date() - datetime.timedelta(weeks=back)
        starts.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))
    return starts


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


@dataclass
class AgencyScore:
    agency: Agency
    complaints: int = 0
    assigned_accounts: int = 0
    per_thousand: float | None = None
    median_first_response: datetime.timedelta | None = None
    responses: int = 0
    due_responses: int = 0
    breached_responses: int = 0
    late_notices: int = 0
    conduct_breaches: int = 0
    top_categories: list[tuple[Category, int]] = field(default_factory=list)
    trend: list[int] = field(default_factory=list)

    @property
    def breach_rate(self) -> float | None:
        """Share of first-response deadlines that were missed, among those
        already met or already due."""
        if not self.due_responses:
            return None
        return self.breached_responses / self.due_responses


def agency_scorecards(*, now: datetime.datetime, weeks: int = TREND_WEEKS) -> list[AgencyScore]:
    """One scorecard per external or in-house agency over the last ``weeks``
    weeks (this week included), worst complaint rate first."""
    starts = week_starts(now=now, weeks=weeks)
    since = starts[0]
    agencies = list(Agency.objects.order_by("name"))
    scores = {agency.pk: AgencyScore(agency=agency, trend=[0] * weeks) for agency in agencies}

    complaints = Complaint.objects.filter(agency__isnull=False, submitted_at__gte=since, submitted_at__lte=now)
    by_week = complaints.annotate(week=TruncWeek("submitted_at")).values("agency_id", "week").annotate(n=Count("pk"))
    for row in by_week:
        score = scores[row["agency_id"]]
        score.complaints += row["n"]
        index = _week_index(starts, row["week"])
        if index is not None:
            score.trend[index] += row["n"]
    categories = Counter(
        {
            (row["agency_id"], row["category_id"]): row["n"]
            for row in complaints.values("agency_id", "category_id").annotate(n=Count("pk"))
        }
    )

    assigned = (
        Assignment.objects.filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))
        .values("agency_id")
        .annotate(accounts=Count("account", distinct=True))
    )
    for row in assigned:
        if row["agency_id"] in scores:
            scores[row["agency_id"]].assigned_accounts = row["accounts"]

    _score_first_responses(scores, since=since, now=now)
    for agency_id, count in noncompliant_measures_by_agency(since=since, until=now).items():
        if agency_id in scores:
            scores[agency_id].late_notices = count
    for agency_id, count in breaches_by_agency(since=since, until=now).items():
        if agency_id in scores:
            scores[agency_id].conduct_breaches = count

    category_names = Category.objects.in_bulk({category_id for _, category_id in categories})
    for score in scores.values():
        if score.assigned_accounts:
            score.per_thousand = score.complaints * 1000 / score.assigned_accounts
        ranked = sorted(
            (
                (count, category_id)
                for (agency_id, category_id), count in categories.items()
                if agency_id == score.agency.pk
            ),
            key=lambda item: (-item[0], category_names[item[1]].code),
        )
        score.top_categories = [(category_names[category_id], count) for count, category_id in ranked[:3]]

    active = [s for s in scores.values() if s.complaints or s.assigned_accounts]
    return sorted(active, key=lambda s: (-(s.per_thousand or 0), -s.complaints, s.agency.name))


class Median(Aggregate):
    """PostgreSQL's median (NULLs ignored), also of intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _score_first_responses(scores: dict, *, since: datetime.datetime, now: datetime.datetime) -> None:
    """Time to the first response and first-response deadlines kept or
    missed, over the agency tickets opened in the period.

    A ticket counts towards the breach rate once its (possibly extended)
    deadline has passed or the agency has answered: late if the answer came
    after the deadline or has not come.
    """
    tickets = AgencyTicket.objects.filter(opened_at__gte=since, opened_at__lte=now).order_by()
    due_at = "response_target__due_at"
    due = Q(**{f"{due_at}__isnull": False}) & (Q(first_response_at__isnull=False) | Q(**{f"{due_at}__lte": now}))
    late = Q(**{f"{due_at}__isnull": False}) & (
        Q(first_response_at__isnull=True, **{f"{due_at}__lte": now}) | Q(first_response_at__gt=F(due_at))
    )
    counts = tickets.values("agency_id").annotate(
        responses=Count("pk", filter=Q(first_response_at__isnull=False)),
        due=Count("pk", filter=due),
        late=Count("pk", filter=late),
    )
    for row in counts:
        score = scores.get(row["agency_id"])
        if score is not None:
            score.responses, score.due_responses, score.breached_responses = row["responses"], row["due"], row["late"]
    waited = ExpressionWrapper(F("first_response_at") - F("opened_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        medians = tickets.values("agency_id").annotate(median=Median(waited, output_field=DurationField()))
        for row in medians:
            if row["agency_id"] in scores and row["median"] is not None:
                scores[row["agency_id"]].median_first_response = row["median"]
        return
    # Other databases have no median: take it over the answered tickets here.
    durations = defaultdict(list)
    for agency_id, duration in tickets.filter(first_response_at__isnull=False).values_list("agency_id", waited):
        durations[agency_id].append(duration)
    for agency_id, values in durations.items():
        if agency_id in scores:
            scores[agency_id].median_first_response = statistics.median(values)


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
        index = _week_index(starts, row["week"])
        if index is not None:
            counts[index] += row["n"]
    return list(zip(starts, counts, strict=True))


def _week_index(starts: list[datetime.datetime], when: datetime.datetime) -> int | None:
    for index in range(len(starts) - 1, -1, -1):
        if when >= starts[index]:
            return index
    return None
