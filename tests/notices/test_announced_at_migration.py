"""The migration that gave measures ``announced_at`` fills it from the
notices issued before it."""

import importlib

import pytest
from django.apps import apps

from loans.models import ScheduledMeasure
from notices.measures import measure_notices_sync, notices_issue_due
from tests.factories import ScheduledMeasureFactory

from .conftest import at

pytestmark = pytest.mark.django_db

migration = importlib.import_module("notices.migrations.0009_fill_measure_announced_at")


def test_fill_sets_announced_at_from_the_latest_announcing_notice():
    moved = ScheduledMeasureFactory(kind=ScheduledMeasure.Kind.LAWYER_LETTER, planned_for=at(10, 14))
    measure_notices_sync(measure=moved, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    moved.planned_for = at(12, 14)
    moved.save()
    measure_notices_sync(measure=moved, now=at(8, 10))
    waiting = ScheduledMeasureFactory(kind=ScheduledMeasure.Kind.LAWYER_LETTER, planned_for=at(20, 14))
    measure_notices_sync(measure=waiting, now=at(8, 10))
    ScheduledMeasure.objects.update(announced_at=None)

    migration.fill(apps, None)

    moved.refresh_from_db()
    waiting.refresh_from_db()
    assert (moved.announced_at, waiting.announced_at) == (at(8, 10), None)
