import datetime

import pytest

from scorecards.counting import quarter_start
from scorecards.models import QuarterFigures
from scorecards.selectors import agency_scorecard
from scorecards.services import scorecards_compute
from scorecards.tasks import scorecards_compute_task
from tests.scorecards.conftest import NOW

pytestmark = pytest.mark.django_db

Q4 = datetime.date(2026, 10, 1)


def figures_of(agency):
    scorecards_compute(now=NOW)
    card = agency_scorecard(agency_id=agency.pk, now=NOW)
    quarter = next(q for q in card.quarters if q.start == Q4)
    return {figure.code: figure.value for figure in quarter.figures}


def test_quarter_starts_on_the_local_first_of_the_quarter():
    assert quarter_start(NOW) == Q4


def test_quarterly_counts_are_stored_as_counted_by_hand(world):
    scorecards_compute(now=NOW)
    row = QuarterFigures.objects.get(agency=world["a"], quarter_start=Q4)
    assert (row.accounts, row.complaints, row.findings, row.substantiated) == (20, 12, 10, 4)
    assert (row.decisions_due, row.decisions_on_time) == (10, 7)
    assert (row.responses_due, row.responses_on_time) == (5, 3)
    assert row.contacts == 20
    assert row.breaches == {"hours": 4, "frequency": 2}
    assert (row.measures_due, row.measures_on_time) == (10, 9)
    assert row.complete is False


def test_published_figures_are_the_rates_worked_out_by_hand(world):
    figures = figures_of(world["a"])
    assert figures["accounts"] == 20
    assert figures["complaints_per_10000"] == 6000.0
    assert figures["substantiated"] == 40.0
    assert figures["decisions_on_time"] == 70.0
    assert figures["breaches_hours"] == 200.0
    assert figures["breaches_frequency"] == 100.0
    assert figures["breaches_visits"] == 0.0
    assert figures["notices_on_time"] == 90.0


def test_a_figure_on_fewer_than_ten_cases_is_too_few_to_publish(world):
    figures = figures_of(world["a"])
    assert figures["responses_on_time"] is None


def test_a_quarter_without_figures_is_too_few_to_publish(world):
    card = agency_scorecard(agency_id=world["a"].pk, now=NOW)
    assert all(figure.value is None for quarter in card.quarters for figure in quarter.figures)


def test_the_september_complaint_counts_in_the_third_quarter(world):
    scorecards_compute(now=NOW)
    assert QuarterFigures.objects.get(agency=world["a"], quarter_start=datetime.date(2026, 7, 1)).complaints == 1


def test_computing_again_changes_nothing(world):
    scorecards_compute(now=NOW)
    before = list(QuarterFigures.objects.order_by("pk").values())
    assert scorecards_compute(now=NOW + datetime.timedelta(minutes=5)) == 0
    assert list(QuarterFigures.objects.order_by("pk").values()) == before


def test_the_task_is_harmless_to_run_twice(world):
    scorecards_compute_task()
    rows = QuarterFigures.objects.count()
    assert scorecards_compute_task() == 0
    assert QuarterFigures.objects.count() == rows
