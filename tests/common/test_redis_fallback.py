"""The cache and sessions when the Redis behind them fails, with stand-in
clients that raise as redis-py does (no Redis needed)."""

import datetime
import logging

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from redis.exceptions import ConnectionError, TimeoutError

from common import redis_breaker
from common.cache import CacheUnavailable, RedisCache, raising
from common.models import SessionEviction
from common.sessions import SessionStore, session_eviction_record, session_evictions_sweep
from common.tasks import session_evictions_sweep_task


class FailingClient:
    """Stands in for Django's Redis cache client; every call raises."""

    def __init__(self, error):
        self.error = error
        self.calls = 0

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls += 1
            raise self.error

        return call


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(redis_breaker, "_breakers", {})
    clock = Clock()
    monkeypatch.setattr(redis_breaker.Breaker, "clock", staticmethod(clock))
    return clock


def failing_cache(error) -> RedisCache:
    cache = RedisCache("redis://127.0.0.1:1/0", {})
    cache._cache = FailingClient(error)
    return cache


def test_cache_read_answers_default_when_redis_refuses(clock):
    cache = failing_cache(ConnectionError("Connection refused."))
    assert cache.get("key", "fallback") == "fallback"


def test_cache_writes_are_dropped_when_redis_times_out(clock):
    cache = failing_cache(TimeoutError("Timeout reading from socket"))
    assert cache.set("key", 1) is None
    assert cache.add("other", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("key") is False


def test_cache_many_and_membership_answer_as_misses(clock):
    cache = failing_cache(TimeoutError("Timeout reading from socket"))
    assert cache.get_many(["a", "b"]) == {}
    assert "a" not in cache
    assert cache.get_or_set("a", 5) == 5


def test_cache_incr_on_failure_raises_as_for_a_missing_key(clock):
    cache = failing_cache(ConnectionError("Connection refused."))
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_cache_leaves_redis_alone_for_a_while_after_a_failure(clock):
    cache = failing_cache(TimeoutError("Timeout reading from socket"))
    cache.get("a")
    cache.get("b")
    cache.set("c", 1)
    assert cache._cache.calls == 1


def test_cache_tries_redis_again_once_the_break_is_over(clock):
    cache = failing_cache(TimeoutError("Timeout reading from socket"))
    cache.get("a")
    clock.now += redis_breaker.BREAK_SECONDS
    cache.get("b")
    assert cache._cache.calls == 2


def test_cache_failure_is_logged_once_per_break(clock, caplog):
    cache = failing_cache(ConnectionError("Connection refused."))
    with caplog.at_level(logging.WARNING, logger="common.redis_breaker"):
        for _ in range(3):
            cache.get("a")
            clock.now += redis_breaker.BREAK_SECONDS / 2
    assert len(caplog.records) == 2


def test_every_thread_shares_the_break_of_one_server(clock):
    first = failing_cache(TimeoutError("Timeout reading from socket"))
    second = failing_cache(TimeoutError("Timeout reading from socket"))
    first.get("a")
    second.get("a")
    assert second._cache.calls == 0


def test_strict_cache_raises_where_the_cache_misses(clock):
    cache = failing_cache(ConnectionError("Connection refused."))
    with pytest.raises(CacheUnavailable):
        raising(cache).delete("key")
    assert cache.delete("key") is False


def test_strict_cache_shares_the_break(clock):
    cache = failing_cache(TimeoutError("Timeout reading from socket"))
    cache.get("a")
    with pytest.raises(CacheUnavailable):
        cache.strict.set("b", 1)
    assert cache._cache.calls == 1


class FrozenRedisCache(BaseCache):
    """A session cache whose every call fails as a frozen Redis's does."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise TimeoutError("Timeout reading from socket")

    get = set = add = delete = has_key = touch = _fail


class WriteFailingCache(FrozenRedisCache):
    """Misses on read, then fails the write ``cached_db``'s load() makes."""

    def get(self, key, default=None, version=None):
        return default


@pytest.fixture
def session_cache(settings):
    def use(backend):
        settings.CACHES = {
            **settings.CACHES,
            "sessions": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}", "LOCATION": "sessions"},
        }
        settings.SESSION_CACHE_ALIAS = "sessions"

    return use


@pytest.mark.django_db
def test_session_saved_while_the_cache_fails_is_read_from_the_database(session_cache):
    session_cache(FrozenRedisCache)
    store = SessionStore()
    store["borrower"] = 7
    store.save()
    assert SessionStore(store.session_key).load() == {"borrower": 7}


@pytest.mark.django_db
def test_session_load_survives_the_cache_write_after_a_miss(session_cache):
    session_cache(WriteFailingCache)
    store = SessionStore()
    store["borrower"] = 7
    store.save()
    assert SessionStore(store.session_key)["borrower"] == 7


@pytest.mark.django_db
def test_session_flush_removes_it_from_the_database_while_the_cache_fails(session_cache):
    session_cache(FrozenRedisCache)
    store = SessionStore()
    store["borrower"] = 7
    store.save()
    key = store.session_key
    store.flush()
    assert not SessionStore().exists(key)


@pytest.mark.django_db
def test_signed_in_page_answers_while_the_session_cache_fails(session_cache, borrower_client):
    session_cache(FrozenRedisCache)
    assert borrower_client.get(reverse("portal:loans")).status_code == 200


# A write or delete the cache missed leaves its old copy: the key is recorded
# and the sweep evicts it once the cache answers.

NOW = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)


class RefusedRedisCache(RedisCache):
    """The project's Redis cache with every call refused."""

    def __init__(self, location, params):
        super().__init__("redis://127.0.0.1:1/0", params)
        self._cache = FailingClient(ConnectionError("Connection refused."))


class SwitchableCache(LocMemCache):
    """A working cache that fails as a frozen Redis does while ``down``."""

    down = False

    def _check(self):
        if SwitchableCache.down:
            raise TimeoutError("Timeout reading from socket")

    def get(self, *args, **kwargs):
        self._check()
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        self._check()
        return super().set(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check()
        return super().delete(*args, **kwargs)

    def has_key(self, *args, **kwargs):
        self._check()
        return super().has_key(*args, **kwargs)


@pytest.fixture
def switchable(session_cache, monkeypatch):
    session_cache(SwitchableCache)
    monkeypatch.setattr(SwitchableCache, "down", False)
    caches["sessions"].clear()
    return SwitchableCache


def saved_session() -> SessionStore:
    store = SessionStore()
    store["borrower"] = 7
    store.save()
    return store


def recorded() -> set[str]:
    return set(SessionEviction.objects.values_list("session_key", flat=True))


def cached(session_key: str):
    return caches["sessions"].get(SessionStore.cache_key_prefix + session_key)


@pytest.mark.django_db
def test_flushing_a_session_while_the_cache_fails_records_its_key(session_cache):
    session_cache(FrozenRedisCache)
    store = saved_session()
    key = store.session_key
    store.flush()
    assert recorded() == {key}


@pytest.mark.django_db
def test_saving_a_changed_session_while_the_cache_fails_records_its_key(session_cache):
    session_cache(FrozenRedisCache)
    store = saved_session()
    store["borrower"] = 8
    store.save()
    assert recorded() == {store.session_key}


@pytest.mark.django_db
def test_new_session_saved_while_the_cache_fails_is_not_recorded(session_cache):
    session_cache(FrozenRedisCache)
    saved_session()
    assert recorded() == set()


@pytest.mark.django_db
def test_cycling_the_key_at_sign_in_while_the_cache_fails_records_the_old_key(session_cache):
    session_cache(FrozenRedisCache)
    store = saved_session()
    old = store.session_key
    store.cycle_key()
    assert recorded() == {old}


@pytest.mark.django_db
def test_session_deleted_while_the_project_redis_cache_refuses_is_recorded(session_cache, clock):
    session_cache(RefusedRedisCache)
    store = saved_session()
    key = store.session_key
    store.flush()
    assert recorded() == {key}


@pytest.mark.django_db
def test_session_flushed_asynchronously_while_the_cache_fails_is_recorded(session_cache):
    session_cache(FrozenRedisCache)
    store = saved_session()
    key = store.session_key
    async_to_sync(store.aflush)()
    assert recorded() == {key}


@pytest.mark.django_db
def test_session_written_while_the_cache_answers_is_not_recorded(switchable):
    store = saved_session()
    store["borrower"] = 8
    store.save()
    store.flush()
    assert recorded() == set()


@pytest.mark.django_db
def test_sweep_deletes_the_cached_copy_and_the_row(switchable):
    store = saved_session()
    session_eviction_record(session_key=store.session_key, now=NOW)
    assert session_evictions_sweep(now=NOW) == 1
    assert cached(store.session_key) is None
    assert recorded() == set()


@pytest.mark.django_db
def test_sweep_keeps_the_row_while_the_cache_still_fails(switchable):
    session_eviction_record(session_key="a" * 32, now=NOW)
    switchable.down = True
    assert session_evictions_sweep(now=NOW) == 0
    assert recorded() == {"a" * 32}


@pytest.mark.django_db
def test_sweep_keeps_the_row_while_the_project_redis_cache_refuses(session_cache, clock):
    session_cache(RefusedRedisCache)
    session_eviction_record(session_key="a" * 32, now=NOW)
    assert session_evictions_sweep(now=NOW) == 0
    assert recorded() == {"a" * 32}


@pytest.mark.django_db
def test_sweep_run_twice_is_harmless(switchable):
    session_eviction_record(session_key="a" * 32, now=NOW)
    assert session_evictions_sweep(now=NOW) == 1
    assert session_evictions_sweep(now=NOW) == 0
    assert recorded() == set()


@pytest.mark.django_db
def test_sweep_works_in_batches(switchable):
    for index in range(5):
        session_eviction_record(session_key=f"{index}" * 32, now=NOW)
    assert session_evictions_sweep(now=NOW, batch_size=2) == 5
    assert recorded() == set()


@pytest.mark.django_db
def test_sweep_leaves_a_key_recorded_again_after_its_now(switchable):
    session_eviction_record(session_key="a" * 32, now=NOW)
    session_eviction_record(session_key="a" * 32, now=NOW + datetime.timedelta(seconds=1))
    assert session_evictions_sweep(now=NOW) == 0
    assert recorded() == {"a" * 32}


@pytest.mark.django_db
def test_session_signed_out_while_the_cache_hung_is_not_served_from_it_after_the_sweep(switchable):
    store = saved_session()
    key = store.session_key
    switchable.down = True
    store.flush()
    switchable.down = False
    assert SessionStore(key).load() == {"borrower": 7}  # the stale copy, until the sweep
    session_evictions_sweep_task()
    assert SessionStore(key).load() == {}


def test_beat_sweeps_session_evictions_every_30_seconds(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["common-session-evictions-sweep"]
    assert (entry["task"], entry["schedule"]) == ("common.tasks.session_evictions_sweep_task", 30.0)
    assert entry["task"] in app.tasks
