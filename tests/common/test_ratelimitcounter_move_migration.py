"""The rate-limit counters moved from the project package to ``common`` in
Django's state only: the counters already counted stay in their table."""

import datetime

import pytest

from common.models import RateLimitCounter, SessionEviction

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [("common", None), ("portal", "0002_signin_lock")]
MOVING_APPS = ("portal", "common", "borrowers")
WINDOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def count_before_the_move(migrator):
    old = migrator.migrate(BEFORE_THE_MOVE).get_model("portal", "RateLimitCounter")
    old.objects.create(key="signin:13800000000", window_start=WINDOW, count=3)
    old.objects.create(key="signin:13900000000", window_start=WINDOW, count=1)


def test_counters_counted_before_the_move_are_read_through_common(migrator):
    count_before_the_move(migrator)

    migrator.migrate_to_latest(*MOVING_APPS)

    assert sorted(RateLimitCounter.objects.values_list("key", "window_start", "count")) == [
        ("signin:13800000000", WINDOW, 3),
        ("signin:13900000000", WINDOW, 1),
    ]


def test_counters_stay_when_the_move_is_reversed_and_applied_again(migrator):
    count_before_the_move(migrator)
    migrator.migrate_to_latest(*MOVING_APPS)

    old = migrator.migrate(BEFORE_THE_MOVE).get_model("portal", "RateLimitCounter")
    assert old.objects.get(key="signin:13800000000").count == 3
    migrator.migrate_to_latest(*MOVING_APPS)

    assert RateLimitCounter.objects.get(key="signin:13800000000").count == 3


def test_session_evictions_can_be_recorded_after_the_move_is_applied_again(migrator):
    migrator.migrate(BEFORE_THE_MOVE)
    migrator.migrate_to_latest(*MOVING_APPS)

    SessionEviction.objects.create(session_key="k" * 40, recorded_at=WINDOW)

    assert SessionEviction.objects.count() == 1
