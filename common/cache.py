"""Django's Redis cache, made safe to lose and kept on one client per pool.

A cache is an optimisation, so Redis being down or frozen must cost a page
no more than a miss. Every call that fails with a Redis error answers as a
miss (reads give the default, writes are dropped) and is logged, and the
process then leaves that server alone for a few seconds (see
``redis_breaker``): a signed-in page makes two or three cache calls, and
without the break each would wait out the socket timeout.

Django builds a new ``redis.Redis`` client for every cache call (about
70 µs); sessions are read from the cache on every signed-in request. The
client is thread-safe and only wraps the pool, so one per pool will do.

A caller that must know whether a write or delete happened (the session
engine, which records the keys whose stale copies to evict later) uses
``raising(cache)``: the same cache, client and breaker, raising
``CacheUnavailable`` where it would answer as a miss.
"""

import copy

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import RedisError

from .redis_breaker import breaker_for


class CacheUnavailable(Exception):
    """Redis did not carry out a call of a raising cache."""


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    raises = False

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
        self.breaker = breaker_for(self._servers[0])

    @cached_property
    def strict(self) -> "RedisCache":
        """This cache on the same client and breaker, raising where it would
        answer as a miss."""
        strict = copy.copy(self)
        strict.raises = True
        strict._cache = self._cache
        return strict

    def _guarded(self, failed, call, *args, **kwargs):
        """``call(...)``, or ``failed`` when Redis cannot answer it (the
        strict cache raises ``CacheUnavailable`` instead)."""
        if not self.breaker.allows():
            if self.raises:
                raise CacheUnavailable(f"Redis at {self.breaker.name} failed moments ago.")
            return failed
        try:
            return call(*args, **kwargs)
        except RedisError as error:
            self.breaker.trip(error)
            if self.raises:
                raise CacheUnavailable(f"Redis at {self.breaker.name} failed.") from error
            return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._guarded(None, super().incr, key, delta, version)
        if value is None:
            # What Django raises for a key the cache does not hold.
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)


def raising(cache):
    """``cache``, raising when a call fails: the project's Redis cache would
    answer as a miss, other backends raise already."""
    return cache.strict if isinstance(cache, RedisCache) else cache
