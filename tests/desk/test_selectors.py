"""The dashboard's figures on a small data set whose answers are worked out
by hand in each test."""

import datetime
import uuid

import pytest

from agencies.models import Agency
from complaints.models import AgencyTicket, Category, Complaint, SLATarget, Status
from desk.selectors import (
    agency_scorecards,
    breaches_this_week,
    complaints_trend,
    open_complaints_by_sla_state,
    week_start,
)
from desk.sla import SlaState, sla_state_filter
from tests.desk.conftest import NOW
from tests.factories import AgencyFactory, AssignmentFactory, BorrowerFactory

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def complaint(*, agency=None, code="CT-HOURS", submitted_at=NOW, status=Status.ACKNOWLEDGED) -> Complaint:
    return Complaint.objects.create(
        borrower=BorrowerFactory(),
        category=Category.objects.get(code=code),
        incident_at=submitted_at - D,
        description="x",
        severity=2,
        status=status,
        submit_token=uuid.uuid4(),
        submitted_at=submitted_at,
        updated_at=submitted_at,
        agency=agency,
        resolution_type="explanation" if status == Status.RESOLVED else "",
    )


def target(c, *, kind=SLATarget.Kind.FINAL_DECISION, started=NOW - 2 * D, due, warn, **extra) -> SLATarget:
    return SLATarget.objects.create(
        complaint=c, kind=kind, measure="calendar", started_at=started, due_at=due, warn_at=warn, **extra
    )


@pytest.fixture
def states():
    breached = complaint()
    target(breached, due=NOW - H, warn=NOW - 5 * H)
    at_risk = complaint()
    target(at_risk, due=NOW + H, warn=NOW - H)
    on_track = complaint()
    target(on_track, due=NOW + 5 * D, warn=NOW + 3 * D)
    paused = complaint()
    target(paused, due=NOW - D, warn=NOW - 2 * D, paused_at=NOW - 3 * D)
    resolved = complaint(status=Status.RESOLVED)
    target(resolved, due=NOW - H, warn=NOW - 2 * H, met_at=NOW - 2 * H)
    return {"breached": breached, "at_risk": at_risk, "on_track": on_track, "paused": paused}


def test_open_complaints_are_counted_by_sla_state(states):
    counts = open_complaints_by_sla_state(now=NOW)
    assert (counts["breached"], counts["at_risk"], counts["on_track"], counts["paused"], counts["none"]) == (
        1,
        1,
        1,
        1,
        0,
    )
    assert counts["total"] == 4


@pytest.mark.parametrize("state", ["breached", "at_risk", "on_track", "paused"])
def test_sla_state_filter_finds_exactly_the_complaint_in_that_state(states, state):
    found = list(sla_state_filter(Complaint.objects.all(), state=SlaState(state), now=NOW))
    assert found == [states[state]]


def test_a_breach_outweighs_an_on_track_deadline_of_the_same_complaint(states):
    c = states["on_track"]
    target(c, kind=SLATarget.Kind.ACKNOWLEDGE, due=NOW - H, warn=NOW - 2 * H)
    assert list(sla_state_filter(Complaint.objects.filter(pk=c.pk), state=SlaState.BREACHED, now=NOW)) == [c]


def test_breaches_this_week_count_from_monday_midnight_shanghai():
    c = complaint()
    monday = week_start(NOW)
    assert monday.isoformat() == "2026-11-23T00:00:00+08:00"
    start = monday - 3 * D
    target(c, kind="acknowledge", started=start, due=monday - 2 * H, warn=monday - 3 * H, breached_at=monday - H)
    target(c, kind="final_decision", started=start, due=monday + H, warn=monday, breached_at=monday + H)
    target(c, kind="agency_first_response", started=start, due=monday + 2 * H, warn=monday, breached_at=monday + 2 * H)
    assert breaches_this_week(now=NOW) == {"final_decision": 1, "agency_first_response": 1, "total": 2}


@pytest.fixture
def scorecard_data():
    """Agency A holds 4 accounts and has 3 complaints (2 this week, 1 two
    weeks ago); agency B holds 2 accounts and has 1 complaint last week."""
    a = AgencyFactory(name="A Collections", short_name="A")
    b = AgencyFactory(name="B Collections", short_name="B")
    for _ in range(4):
        AssignmentFactory(agency=a, collector=None, starts_at=NOW - 200 * D)
    for _ in range(2):
        AssignmentFactory(agency=b, collector=None, starts_at=NOW - 200 * D)
    # An assignment that ended before the 12 weeks began does not count.
    AssignmentFactory(agency=b, collector=None, starts_at=NOW - 300 * D, ends_at=NOW - 200 * D)

    a1 = complaint(agency=a, code="CT-HOURS", submitted_at=NOW - 2 * H)
    a2 = complaint(agency=a, code="CT-ABUSE", submitted_at=NOW - 3 * H)
    a3 = complaint(agency=a, code="CT-HOURS", submitted_at=NOW - 14 * D)
    b1 = complaint(agency=b, code="TP-CONTACTS", submitted_at=NOW - 7 * D)
    complaint(agency=None, submitted_at=NOW - H)  # no agency: in the trend only

    opened = NOW - 10 * D
    # First responses: a1 after 2 h (on time), a2 after 6 h (late), a3 none
    # and overdue. B's ticket is not due yet: it counts neither way.
    for c, response_after in ((a1, 2 * H), (a2, 6 * H), (a3, None)):
        AgencyTicket.objects.create(
            complaint=c,
            agency=a,
            opened_at=opened,
            response_target=target(
                c,
                kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE,
                started=opened,
                due=opened + 3 * H,
                warn=opened + 2 * H,
                met_at=opened + response_after if response_after else None,
            ),
            first_response_at=opened + response_after if response_after else None,
        )
    AgencyTicket.objects.create(
        complaint=b1,
        agency=b,
        opened_at=NOW - H,
        response_target=target(b1, kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, due=NOW + D, warn=NOW + H),
    )
    return a, b


def test_scorecard_complaints_per_thousand_assigned_accounts(scorecard_data):
    a, b = scorecard_data
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert (scores[a].complaints, scores[a].assigned_accounts, scores[a].per_thousand) == (3, 4, 750.0)
    assert (scores[b].complaints, scores[b].assigned_accounts, scores[b].per_thousand) == (1, 2, 500.0)


def test_scorecards_list_the_worst_rate_first(scorecard_data):
    a, b = scorecard_data
    assert [s.agency for s in agency_scorecards(now=NOW)] == [a, b]


def test_scorecard_median_time_to_first_agency_response(scorecard_data):
    a, b = scorecard_data
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert scores[a].median_first_response == 4 * H
    assert scores[a].responses == 2
    assert scores[b].median_first_response is None


def test_scorecard_breach_rate_counts_late_and_overdue_first_responses(scorecard_data):
    a, b = scorecard_data
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert (scores[a].breached_responses, scores[a].due_responses) == (2, 3)
    assert scores[a].breach_rate == pytest.approx(2 / 3)
    assert scores[b].breach_rate is None


def test_scorecard_top_categories(scorecard_data):
    a, _b = scorecard_data
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert [(category.code, count) for category, count in scores[a].top_categories] == [
        ("CT-HOURS", 2),
        ("CT-ABUSE", 1),
    ]


def test_scorecard_twelve_week_trend(scorecard_data):
    a, b = scorecard_data
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert scores[a].trend == [0] * 9 + [1, 0, 2]
    assert scores[b].trend == [0] * 10 + [1, 0]


def test_weekly_trend_counts_every_complaint(scorecard_data):
    trend = complaints_trend(now=NOW)
    assert len(trend) == 12
    assert trend[-1][0].isoformat() == "2026-11-23T00:00:00+08:00"
    assert [count for _start, count in trend][-3:] == [1, 1, 3]


def test_agency_without_accounts_or_complaints_has_no_scorecard(scorecard_data):
    idle = AgencyFactory(status=Agency.Status.ACTIVE)
    assert idle not in [s.agency for s in agency_scorecards(now=NOW)]


def test_scorecard_counts_measures_whose_notice_came_too_late(scorecard_data):
    from notices.models import MeasureNoticeState
    from tests.factories import LoanAccountFactory, ScheduledMeasureFactory

    a, b = scorecard_data
    account = LoanAccountFactory()
    for days_ago, compliance in ((3, "noncompliant"), (5, "noncompliant"), (4, "compliant"), (200, "noncompliant")):
        measure = ScheduledMeasureFactory(account=account, performer=a, planned_for=NOW - days_ago * D)
        MeasureNoticeState.objects.update_or_create(
            measure=measure,
            defaults={
                "planned_for": measure.planned_for,
                "measure_status": measure.status,
                "kind": measure.kind,
                "compliance": compliance,
                "synced_at": NOW,
            },
        )
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert (scores[a].late_notices, scores[b].late_notices) == (2, 0)


def test_scorecard_counts_conduct_breaches_in_the_period(scorecard_data):
    from conduct.models import Breach
    from tests.factories import ContactEventFactory

    a, b = scorecard_data
    for days_ago in (1, 20, 120):
        event = ContactEventFactory(agency=a, occurred_at=NOW - days_ago * D)
        Breach.objects.create(contact_event=event, rule=Breach.Rule.QUIET_HOURS, agency=a, detected_at=NOW)
    scores = {s.agency: s for s in agency_scorecards(now=NOW)}
    assert (scores[a].conduct_breaches, scores[b].conduct_breaches) == (2, 0)
