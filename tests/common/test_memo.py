"""A value kept per process until its version in the shared cache changes."""

import itertools

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError

from common import memo as memo_module
from common.memo import MAX_AGE_SECONDS, Memo
from tests.common.test_redis_fallback import failing_cache

_names = itertools.count()


@pytest.fixture
def memo(monkeypatch):
    """A memo counting its builds, registered under a name of its own."""
    builds = []

    def build():
        builds.append(len(builds) + 1)
        return len(builds)

    name = f"test-{next(_names)}"
    made = Memo(name, build)
    made.builds = builds
    yield made
    monkeypatch.delitem(memo_module._memos, name)
    cache.delete(made.key)


def test_memo_builds_once_while_its_version_stands(memo):
    assert [memo.get(), memo.get(), memo.get()] == [1, 1, 1]


@pytest.mark.django_db
def test_memo_builds_again_after_a_change(memo):
    memo.get()
    memo.changed()
    assert memo.get() == 2


def test_memo_builds_again_when_another_process_changed_the_version(memo):
    memo.get()
    cache.set(memo.key, "set elsewhere", timeout=None)
    assert memo.get() == 2


def test_memo_builds_again_when_the_cache_lost_the_version(memo):
    memo.get()
    cache.delete(memo.key)
    assert memo.get() == 2


@pytest.mark.django_db
def test_memo_change_in_a_transaction_changes_the_version_again_on_commit(memo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        memo.changed()
        # Another process builds from the rows not yet committed...
        memo.get()
    version = cache.get(memo.key)
    for callback in callbacks:
        callback()
    # ...and builds again once they are.
    assert cache.get(memo.key) != version


def test_memo_builds_on_every_call_when_the_cache_fails(memo, monkeypatch):
    monkeypatch.setattr(memo_module, "cache", failing_cache(ConnectionError("Connection refused.")))
    assert [memo.get(), memo.get()] == [1, 2]


def test_memo_builds_again_after_its_maximum_age(memo, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(Memo, "clock", staticmethod(lambda: now[0]))
    memo.get()
    now[0] += MAX_AGE_SECONDS
    assert memo.get() == 2


def test_memo_names_are_unique(memo):
    with pytest.raises(ValueError):
        Memo(memo.name, lambda: None)
