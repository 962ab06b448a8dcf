"""Sessions kept in the database and read through the cache when it answers.

Django's ``cached_db`` engine lets a cache error escape: ``load()`` writes
the cache outside its error handling, and ``delete()`` and ``exists()`` do
not handle errors at all. With the cache on Redis, Redis going down then took
every signed-in page with it. Here any cache call that fails counts as a
miss, so the session is read from and written to the database alone; the
database holds every session anyway.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


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
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _MissOnError(self._cache)
