"""Rows of a kind that gathers publish one task while one is on its way:
the task takes the rows committed before it started along."""

import datetime

import pytest
from django.core.cache import cache

from outbox import handlers, services
from outbox.models import Obligation

pytestmark = pytest.mark.django_db

KIND = "test.gathered"
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
gathered: list[list[str]] = []


@handlers.batch_handler(KIND, gather=True)
def _gathered(obligations):
    gathered.append([obligation.key for obligation in obligations])
    return ["done"] * len(obligations)


@pytest.fixture
def published(monkeypatch, settings):
    """Wake-ups on (a shared cache), and what would be published."""
    settings.OUTBOX_WAKE_SECONDS = 10
    cache.clear()
    gathered.clear()
    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda task, *, args, queue: sent.append(args) or True)
    yield sent
    cache.clear()


def _row(key: str) -> Obligation:
    return services.obligation_create(key=key, kind=KIND, payload={}, now=NOW)


def test_rows_committed_while_a_task_is_on_its_way_publish_none(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _row("first")
    with django_capture_on_commit_callbacks(execute=True):
        _row("second")
        _row("third")
    assert published == [[first.pk, KIND]]


def test_the_task_takes_them_along_and_rows_after_its_start_publish_again(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _row("first")
        _row("second")
    services.obligation_try(obligation_id=first.pk, kind=KIND, now=NOW)
    assert gathered == [["first", "second"]]
    with django_capture_on_commit_callbacks(execute=True):
        third = _row("third")
    assert published == [[first.pk, KIND], [third.pk, KIND]]


def test_a_task_whose_own_row_was_taken_along_still_gathers_its_kind(published):
    taken, waiting = _row("taken"), _row("waiting")
    Obligation.objects.filter(pk=taken.pk).update(status=Obligation.Status.DELIVERED)
    services.obligation_try(obligation_id=taken.pk, kind=KIND, now=NOW)
    assert gathered == [["waiting"]]
    assert Obligation.objects.get(pk=waiting.pk).status == Obligation.Status.DELIVERED


def test_a_task_that_takes_a_full_batch_publishes_the_next_before_delivering(published, settings):
    settings.OUTBOX_GATHER_SIZE = 2
    rows = [_row(f"row-{number}") for number in range(3)]
    services.obligation_try(obligation_id=rows[0].pk, kind=KIND, now=NOW)
    assert published == [[rows[1].pk, KIND]]
    services.obligation_try(obligation_id=rows[1].pk, kind=KIND, now=NOW)
    assert gathered == [["row-0", "row-1"], ["row-2"]]


def test_without_the_cache_every_row_publishes_its_own_task(published, monkeypatch):
    from common.cache import CacheUnavailable

    def unavailable(*args, **kwargs):
        raise CacheUnavailable("down")

    monkeypatch.setattr(cache, "add", unavailable)
    services.obligation_publish(obligation_id=1, kind=KIND)
    services.obligation_publish(obligation_id=2, kind=KIND)
    assert published == [[1, KIND], [2, KIND]]


def test_rows_of_other_kinds_each_publish_their_own_task(published):
    services.obligation_publish(obligation_id=1, kind="test.other")
    services.obligation_publish(obligation_id=2, kind="test.other")
    assert published == [[1], [2]]


def test_off_every_row_of_a_gathering_kind_publishes_its_own_task(published, settings):
    settings.OUTBOX_WAKE_SECONDS = 0
    services.obligation_publish(obligation_id=1, kind=KIND)
    services.obligation_publish(obligation_id=2, kind=KIND)
    assert published == [[1], [2]]
