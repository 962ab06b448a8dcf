"""The cache and sessions when the Redis behind them fails, with stand-in
clients that raise as redis-py does (no Redis needed)."""

import logging

import pytest
from django.core.cache.backends.base import BaseCache
from django.urls import reverse
from redis.exceptions import ConnectionError, TimeoutError

from portal import redis_breaker
from portal.cache import CacheUnavailable, RedisCache, raising
from portal.sessions import SessionStore


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
    with caplog.at_level(logging.WARNING, logger="portal.redis_breaker"):
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
        settings.CACHES = {**settings.CACHES, "sessions": {"BACKEND": f"{__name__}.{backend.__name__}"}}
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
