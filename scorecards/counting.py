"""The per-agency counting rules: the one home of what an agency's scorecard
counts, read by the desk's live scorecards and by the public quarterly
figures alike, so the two cannot drift apart.

Every function takes ``now``; nothing reads the clock. Weeks run Monday to
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
from complaints.models import AgencyTicket, Category, Complaint, Finding, SLATarget
from conduct.models import Breach
from conduct.selectors import breaches_by_agency
from loans.models import Assignment, ContactEvent
from notices.models import MeasureNoticeState
from notices.selectors import noncompliant_measures_by_agency

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


def first_response_due_and_late(*, now: datetime.datetime) -> tuple[Q, Q]:
    """Conditions on ``AgencyTicket`` rows: its first-response deadline counts
    (``due``), and it was missed (``late``).

    A ticket counts once its (possibly extended) deadline has passed or the
    agency has answered: late if the answer came after the deadline or has
    not come.
    """
    due_at = "response_target__due_at"
    due = Q(**{f"{due_at}__isnull": False}) & (Q(first_response_at__isnull=False) | Q(**{f"{due_at}__lte": now}))
    late = Q(**{f"{due_at}__isnull": False}) & (
        Q(first_response_at__isnull=True, **{f"{due_at}__lte": now}) | Q(first_response_at__gt=F(due_at))
    )
    return due, late


def accounts_handled(*, since: datetime.datetime, until: datetime.datetime):
    """Per agency id (a ``values`` queryset of ``agency_id``, ``accounts``):
    the distinct accounts assigned to it at some moment of [since, until]."""
    return (
        Assignment.objects.filter(starts_at__lte=until)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))
        .values("agency_id")
        .annotate(accounts=Count("account", distinct=True))
        .order_by()
    )


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
        index = week_index(starts, row["week"])
        if index is not None:
            score.trend[index] += row["n"]
    categories = Counter(
        {
            (row["agency_id"], row["category_id"]): row["n"]
            for row in complaints.values("agency_id", "category_id").annotate(n=Count("pk"))
        }
    )

    for row in accounts_handled(since=since, until=now):
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
    missed, over the agency tickets opened in the period."""
    tickets = AgencyTicket.objects.filter(opened_at__gte=since, opened_at__lte=now).order_by()
    due, late = first_response_due_and_late(now=now)
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


def week_index(starts: list[datetime.datetime], when: datetime.datetime) -> int | None:
    for index in range(len(starts) - 1, -1, -1):
        if when >= starts[index]:
            return index
    return None


# The public page groups the conduct rules into families a reader can follow.
RULE_FAMILIES = {
    Breach.Rule.QUIET_HOURS: "hours",
    Breach.Rule.AGENCY_HOURS: "hours",
    Breach.Rule.OUTSIDE_WINDOW: "hours",
    Breach.Rule.WRONG_CHANNEL: "preferences",
    Breach.Rule.CONNECTED_CALLS: "frequency",
    Breach.Rule.CALL_ATTEMPTS: "frequency",
    Breach.Rule.THIRD_PARTY_STOPPED: "third_parties",
    Breach.Rule.THIRD_PARTY_REACHABLE: "third_parties",
    Breach.Rule.NOT_ASSIGNED: "authorisation",
    Breach.Rule.UNREGISTERED_NUMBER: "authorisation",
    Breach.Rule.SUSPENDED: "authorisation",
    Breach.Rule.VISIT_NOT_ANNOUNCED: "visits",
    Breach.Rule.VISIT_ALONE: "visits",
    Breach.Rule.NO_RECORDING: "recording",
    # Restrictions in force (holds, the borrower's requests, stricter care),
    # each in the family whose harm it is.
    Breach.Rule.ON_HOLD: "authorisation",
    Breach.Rule.THIRD_PARTY_REQUEST: "third_parties",
    Breach.Rule.WRITTEN_ONLY: "preferences",
    Breach.Rule.CARE_VISIT: "visits",
    Breach.Rule.CARE_THIRD_PARTY: "third_parties",
    Breach.Rule.CARE_CALLS: "frequency",
    Breach.Rule.CARE_HOURS: "hours",
}
RULE_FAMILY_ORDER = ("hours", "frequency", "third_parties", "preferences", "authorisation", "visits", "recording")


def quarter_start(when: datetime.datetime) -> datetime.date:
    """The first day of the calendar quarter ``when`` falls in, in local time."""
    local = timezone.localtime(when).date()
    return datetime.date(local.year, 3 * ((local.month - 1) // 3) + 1, 1)


def quarter_after(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_before(start: datetime.date) -> datetime.date:
    month = start.month - 3
    return datetime.date(start.year - (month < 1), (month - 1) % 12 + 1, 1)


def quarter_bounds(start: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight of the quarter's first day and of the next quarter's."""
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(quarter_after(start), datetime.time.min)),
    )


def quarter_counts(*, start: datetime.date, now: datetime.datetime) -> dict[int, dict]:
    """Every agency's counts for the quarter beginning ``start``, as far as
    ``now``: one GROUP BY query per source table, so the time grows with
    the quarter's rows and not with the number of agencies.

    What falls in the quarter: an assignment that overlaps it; a complaint
    (with its finding and decision deadline) or agency ticket by when it was
    submitted or opened; a contact and its breaches by when it happened; a
    measure by when it was planned.
    """
    since, end = quarter_bounds(start)
    until = min(end, now)
    counts: dict[int, dict] = defaultdict(lambda: {"breaches": {}})

    for row in accounts_handled(since=since, until=until):
        counts[row["agency_id"]]["accounts"] = row["accounts"]

    complaints = Complaint.objects.filter(agency__isnull=False, submitted_at__gte=since, submitted_at__lt=until)
    rows = complaints.values("agency_id").annotate(
        complaints=Count("pk"),
        findings=Count("pk", filter=~Q(finding="")),
        substantiated=Count("pk", filter=Q(finding=Finding.SUBSTANTIATED)),
    )
    for row in rows.order_by():
        counts[row.pop("agency_id")].update(row)

    due, late = first_response_due_and_late(now=now)
    tickets = AgencyTicket.objects.filter(opened_at__gte=since, opened_at__lt=until)
    rows = tickets.values("agency_id").annotate(responses_due=Count("pk", filter=due), late=Count("pk", filter=late))
    for row in rows.order_by():
        counts[row["agency_id"]].update(
            responses_due=row["responses_due"], responses_on_time=row["responses_due"] - row["late"]
        )

    decisions = SLATarget.objects.filter(
        kind=SLATarget.Kind.FINAL_DECISION,
        cancelled_at__isnull=True,
        complaint__agency__isnull=False,
        complaint__submitted_at__gte=since,
        complaint__submitted_at__lt=until,
    )
    rows = decisions.values("complaint__agency_id").annotate(
        decisions_due=Count("pk", filter=Q(met_at__isnull=False) | Q(due_at__lte=now)),
        decisions_on_time=Count("pk", filter=Q(met_at__isnull=False, met_at__lte=F("due_at"))),
    )
    for row in rows.order_by():
        counts[row.pop("complaint__agency_id")].update(row)

    contacts = ContactEvent.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
    for row in contacts.values("agency_id").annotate(n=Count("pk")).order_by():
        counts[row["agency_id"]]["contacts"] = row["n"]
    breaches = Breach.objects.filter(contact_event__occurred_at__gte=since, contact_event__occurred_at__lt=until)
    for row in breaches.values("agency_id", "rule").annotate(n=Count("pk")).order_by():
        family = RULE_FAMILIES.get(row["rule"], "other")
        by_family = counts[row["agency_id"]]["breaches"]
        by_family[family] = by_family.get(family, 0) + row["n"]

    judged = (MeasureNoticeState.Compliance.COMPLIANT, MeasureNoticeState.Compliance.NONCOMPLIANT)
    measures = MeasureNoticeState.objects.filter(
        measure__performer__isnull=False,
        measure__planned_for__gte=since,
        measure__planned_for__lt=until,
        compliance__in=judged,
    )
    rows = measures.values("measure__performer_id").annotate(
        measures_due=Count("pk"),
        measures_on_time=Count("pk", filter=Q(compliance=MeasureNoticeState.Compliance.COMPLIANT)),
    )
    for row in rows.order_by():
        counts[row.pop("measure__performer_id")].update(row)
    return dict(counts)
