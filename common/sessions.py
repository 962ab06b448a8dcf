"""Sessions kept in the database and read through the cache when it answers.

Django's ``cached_db`` engine lets a cache error escape: ``load()`` writes
the cache outside its error handling, and ``delete()`` and ``exists()`` do
not handle errors at all. With the cache on Redis, Redis going down then took
every signed-in page with it. Here any cache call that fails counts as a
miss, so the session is read from and written to the database alone; the
database holds every session anyway.

A write or delete that misses the cache leaves the copy the cache already
held. Once a frozen Redis answers again, that copy would be served until it
expires: a session signed out, or whose key was cycled at sign-in, while
Redis hung would be signed in again, and a changed one would go back to its
old data. So the engine records the key of every session whose cache write
or delete failed (``SessionEviction``, in the database, in the same request)
and beat's sweep deletes those keys from the cache once it answers. Until
the sweep runs (every 30 s) the old copy can still be read: checking the
table on every load would close that window at the cost of a query on every
signed-in request.
"""

import datetime
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches
from django.utils import timezone

from .cache import raising
from .models import SessionEviction

logger = logging.getLogger(__name__)

_FAILED = object()


class _MissOnError:
    """The few cache calls ``cached_db`` makes, answering as a miss when the
    cache raises, whatever the backend."""

    def __init__(self, cache):
        self._cache = cache

    def _call(self, name, failed, *args):
        try:
            return getattr(self._cache, name)(*args)
        except Exception:  # noqa: BLE001 - any cache failure falls back to the database
            logger.warning("Session cache call %s failed; using the database.", name, exc_info=True)
            return failed

    async def _acall(self, name, failed, *args):
        try:
            return await getattr(self._cache, name)(*args)
        except Exception:  # noqa: BLE001 - any cache failure falls back to the database
            logger.warning("Session cache call %s failed; using the database.", name, exc_info=True)
            return failed

    def done(self, name, *args) -> bool:
        """Whether the cache carried out ``name(*args)``."""
        return self._call(name, _FAILED, *args) is not _FAILED

    async def adone(self, name, *args) -> bool:
        return await self._acall(name, _FAILED, *args) is not _FAILED

    def get(self, key):
        return self._call("get", None, key)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def __contains__(self, key):
        return self._call("has_key", False, key)

    async def aget(self, key):
        return await self._acall("aget", None, key)

    async def aset(self, key, value, timeout):
        return await self._acall("aset", None, key, value, timeout)

    async def adelete(self, key):
        return await self._acall("adelete", False, key)

    def __str__(self):
        return str(self._cache)


class SessionStore(CachedDBStore):
    """``cached_db`` whose saves and deletes record the sessions the cache
    missed. Not recorded: a new key, which the cache cannot hold an older
    copy of, and the cache write after a load, which leaves the cache as
    stale as it was (and any stale copy is recorded already)."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _MissOnError(raising(self._cache))

    def save(self, must_create=False):
        new = must_create or self.session_key is None
        super(CachedDBStore, self).save(must_create)
        if not self._cache.done("set", self.cache_key, self._session, self.get_expiry_age()) and not new:
            session_eviction_record(session_key=self.session_key, now=timezone.now())

    async def asave(self, must_create=False):
        new = must_create or self.session_key is None
        await super(CachedDBStore, self).asave(must_create)
        key = await self.acache_key()
        if not await self._cache.adone("aset", key, self._session, await self.aget_expiry_age()) and not new:
            await sync_to_async(session_eviction_record)(session_key=self.session_key, now=timezone.now())

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key and not self._cache.done("delete", self.cache_key_prefix + session_key):
            session_eviction_record(session_key=session_key, now=timezone.now())

    async def adelete(self, session_key=None):
        await super(CachedDBStore, self).adelete(session_key)
        session_key = session_key or self.session_key
        if session_key and not await self._cache.adone("adelete", self.cache_key_prefix + session_key):
            await sync_to_async(session_eviction_record)(session_key=session_key, now=timezone.now())


def session_eviction_record(*, session_key: str, now: datetime.datetime) -> None:
    """Remember that the cache may hold a stale copy of this session.

    One statement whether or not the key is recorded already; a recorded key
    is stamped again, so a sweep that began before keeps its row.
    """
    SessionEviction.objects.bulk_create(
        [SessionEviction(session_key=session_key, recorded_at=now)],
        update_conflicts=True,
        unique_fields=["session_key"],
        update_fields=["recorded_at"],
    )


def session_evictions_sweep(*, now: datetime.datetime, batch_size: int = 500) -> int:
    """Delete from the cache every session recorded by ``now``, then its row;
    return how many. Reads ``now`` once; harmless to re-run.

    Deletes through the raising cache, so a row goes only once its key is
    gone: the project cache would answer a failed delete as done. While the
    cache still fails, the rows wait for the next run.
    """
    cache = raising(caches[settings.SESSION_CACHE_ALIAS])
    evicted = 0
    last_id = 0
    while True:
        rows = list(
            SessionEviction.objects.filter(recorded_at__lte=now, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "session_key")[:batch_size]
        )
        if not rows:
            return evicted
        try:
            cache.delete_many([SessionStore.cache_key_prefix + key for _pk, key in rows])
        except Exception:  # noqa: BLE001 - any cache failure leaves the rows for the next run
            logger.warning("Session cache still failing; stale sessions are evicted later.", exc_info=True)
            return evicted
        ids = [pk for pk, _key in rows]
        deleted, _details = SessionEviction.objects.filter(pk__in=ids, recorded_at__lte=now).delete()
        evicted += deleted
        last_id = ids[-1]
