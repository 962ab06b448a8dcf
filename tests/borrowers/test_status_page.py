import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from borrowers.rows import number_display
from borrowers.status_page import account_overview
from tests.factories import (
    AssignmentFactory,
    AuthorisedNumberFactory,
    ContactEventFactory,
    LoanAccountFactory,
    ScheduledMeasureFactory,
    StageChangeFactory,
    StageFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _timeline_of(account, now):
    return account_overview(borrower=account.borrower, reference=account.reference, now=now).timeline


def _assignment_start(account, now):
    assignment = account_overview(borrower=account.borrower, reference=account.reference, now=now).assignment
    return assignment.starts_at if assignment else None


def test_timeline_marks_done_current_and_upcoming_with_dates():
    now = timezone.now()
    account = LoanAccountFactory(stage=StageFactory(code="EARLY"), stage_since=now - 3 * DAY)
    StageChangeFactory(account=account, stage=StageFactory(code="REMINDER"), changed_at=now - 12 * DAY)
    steps = {step.stage.code: step for step in _timeline_of(account, now)}
    assert steps["CURRENT"].state == "done"
    assert steps["REMINDER"].state == "done"
    assert steps["REMINDER"].reached_at == now - 12 * DAY
    assert steps["EARLY"].state == "current"
    assert steps["EARLY"].reached_at == now - 3 * DAY
    assert steps["OUTSOURCED"].state == "upcoming"
    assert steps["OUTSOURCED"].reached_at is None
    assert "PLAN" not in steps


def test_timeline_of_a_side_state_shows_the_stages_passed_then_the_side_state():
    now = timezone.now()
    account = LoanAccountFactory(stage=StageFactory(code="PLAN"), stage_since=now - DAY)
    StageChangeFactory(account=account, stage=StageFactory(code="REMINDER"), changed_at=now - 20 * DAY)
    StageChangeFactory(account=account, stage=StageFactory(code="EARLY"), changed_at=now - 10 * DAY)
    steps = _timeline_of(account, now)
    assert [(step.stage.code, step.state) for step in steps] == [
        ("REMINDER", "done"),
        ("EARLY", "done"),
        ("PLAN", "current"),
    ]


def test_current_assignment_ignores_ended_and_future_assignments():
    now = timezone.now()
    account = LoanAccountFactory()
    AssignmentFactory(account=account, starts_at=now - 30 * DAY, ends_at=now - 10 * DAY)
    current = AssignmentFactory(account=account, starts_at=now - 10 * DAY)
    assert _assignment_start(account, now) == current.starts_at
    assert _assignment_start(account, now - 40 * DAY) is None


def test_overview_lists_only_planned_future_measures_in_date_order():
    now = timezone.now()
    account = LoanAccountFactory()
    later = ScheduledMeasureFactory(account=account, planned_for=now + 9 * DAY)
    sooner = ScheduledMeasureFactory(account=account, planned_for=now + 2 * DAY)
    ScheduledMeasureFactory(account=account, planned_for=now + 3 * DAY, status="cancelled")
    ScheduledMeasureFactory(account=account, planned_for=now - DAY)
    overview = account_overview(borrower=account.borrower, reference=account.reference, now=now)
    assert [measure.pk for measure in overview.upcoming_measures] == [sooner.pk, later.pk]


def test_overview_lists_latest_contacts_first():
    now = timezone.now()
    account = LoanAccountFactory()
    old = ContactEventFactory(account=account, occurred_at=now - 3 * DAY)
    new = ContactEventFactory(account=account, occurred_at=now - DAY)
    overview = account_overview(borrower=account.borrower, reference=account.reference, now=now)
    assert [row.pk for row in overview.contact_events] == [new.pk, old.pk]


def test_overview_reads_amounts_dates_and_times_as_the_orm_does():
    now = timezone.now()
    account = LoanAccountFactory(principal=Decimal("12345.60"), amount_overdue=Decimal("1234.05"))
    assignment = AssignmentFactory(account=account)
    measure = ScheduledMeasureFactory(account=account, planned_for=now + 2 * DAY)
    event = ContactEventFactory(account=account, occurred_at=now - DAY)
    account.refresh_from_db()
    overview = account_overview(borrower=account.borrower, reference=account.reference, now=now)
    assert overview.account.principal == Decimal("12345.60")
    assert overview.account.amount_overdue == Decimal("1234.05")
    assert overview.account.due_date == account.due_date
    assert overview.account.stage_since == account.stage_since
    assert overview.assignment.starts_at == assignment.starts_at
    assert overview.assignment.hours_start == assignment.agency.contact_hours_start.strftime("%H:%M")
    assert overview.upcoming_measures[0].planned_at == measure.planned_for
    assert overview.contact_events[0].occurred_at == event.occurred_at


def test_overview_lists_the_agencys_shared_numbers_before_the_collectors_own():
    now = timezone.now()
    account = LoanAccountFactory()
    assignment = AssignmentFactory(account=account)
    own = AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number="+862150000001")
    shared = AuthorisedNumberFactory(agency=assignment.agency, number="+862150000009")
    overview = account_overview(borrower=account.borrower, reference=account.reference, now=now)
    assert [row.display for row in overview.numbers] == [
        number_display(shared.number),
        number_display(own.number),
    ]


def test_overview_orders_contacts_made_at_the_same_moment_newest_record_first():
    now = timezone.now()
    account = LoanAccountFactory()
    first = ContactEventFactory(account=account, occurred_at=now - DAY)
    second = ContactEventFactory(account=account, occurred_at=now - DAY)
    overview = account_overview(borrower=account.borrower, reference=account.reference, now=now)
    assert [row.pk for row in overview.contact_events] == [second.pk, first.pk]
