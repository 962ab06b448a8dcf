"""Values built from rows staff edit rarely, kept per process and rebuilt on
the first call after an edit anywhere.

A complaint form and every complaint filed read the same categories, SLA
policies and business calendar: four queries a request for rows that change
a few times a year. A ``Memo`` keeps what its ``build`` returned in the
process, beside a version kept in the cache (Redis, shared by every process
and worker). Each call reads the version (one cache call instead of the
queries) and builds again when it differs from the one the value was built
under.

An edit calls ``changed()`` (the owning app connects it to its models'
``post_save`` and ``post_delete``): it sets a new version at once, so the
editing process and its transaction see the edit, and again when the
transaction commits, so a process that built from the old rows in between
builds once more. Writes that send no signal (``QuerySet.update``,
``bulk_create``) must call ``changed()`` themselves.

A cache is only an optimisation. When it cannot answer, ``get()`` builds
from the database on every call, as without a memo. A value older than
``MAX_AGE_SECONDS`` is built again whatever the version says: an edit whose
new version was lost while Redis failed shows within that time.
"""

import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

from .cache import CacheUnavailable, raising

T = TypeVar("T")

MAX_AGE_SECONDS = 60.0

_memos: dict[str, "Memo"] = {}


class Memo(Generic[T]):
    """``build()``'s value, per process, until its version changes. The value
    is shared by every caller in the process: it must not be changed."""

    clock = staticmethod(time.monotonic)

    def __init__(self, name: str, build: Callable[[], T]):
        if name in _memos:
            raise ValueError(f"A memo named {name!r} exists already.")
        self.name = name
        self.key = f"memo-version:{name}"
        self.build = build
        self._held: tuple[str, float, T] | None = None
        _memos[name] = self

    def get(self) -> T:
        version = self._version()
        if version is None:
            return self.build()
        held = self._held
        now = self.clock()
        if held is not None and held[0] == version and now - held[1] < MAX_AGE_SECONDS:
            return held[2]
        value = self.build()
        self._held = (version, now, value)
        return value

    def changed(self, **_signal) -> None:
        """The rows behind the value changed: every process builds it again
        on its next call. Takes a signal's arguments, so it can be connected."""
        self._held = None
        self._bump()
        transaction.on_commit(self._bump)

    def forget(self) -> None:
        """Drop this process's value (tests start each from the database)."""
        self._held = None

    def _version(self) -> str | None:
        strict = raising(cache)
        try:
            version = strict.get(self.key)
            if version is None:
                # First use, or the cache lost it: agree on one for everyone.
                strict.add(self.key, uuid.uuid4().hex, timeout=None)
                version = strict.get(self.key)
        except CacheUnavailable:
            return None
        return version

    def _bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)


def memos_forget() -> None:
    """Drop every memo's value in this process."""
    for memo in _memos.values():
        memo.forget()
