"""When to leave a Redis server alone for a moment.

The cache and the task publisher talk to the same Redis. Once either sees
it fail, both skip it in this process for ``BREAK_SECONDS`` and answer as if
it were down: a frozen server then costs one socket timeout per few seconds
instead of one per call, and a page that has already waited on the cache
does not wait again on the publish.
"""

import logging
import time
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

BREAK_SECONDS = 5.0


class Breaker:
    """One per server and process, shared by every thread (Django builds a
    cache object per thread, and each should learn from another's wait)."""

    clock = staticmethod(time.monotonic)

    def __init__(self, name: str):
        self.name = name
        self.open_until = 0.0

    def allows(self) -> bool:
        return self.clock() >= self.open_until

    def trip(self, error: BaseException) -> None:
        # Logged only when closed, so at most once per BREAK_SECONDS.
        if self.allows():
            logger.warning(
                "Redis at %s failed (%s: %s); leaving it alone for %s s.",
                self.name,
                type(error).__name__,
                error,
                BREAK_SECONDS,
            )
        self.open_until = self.clock() + BREAK_SECONDS


_breakers: dict[str, Breaker] = {}


def breaker_for(url: str) -> Breaker:
    """The breaker of the server ``url`` points at, whatever its database
    number or password."""
    parts = urlsplit(url)
    name = f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else parts.path or url
    breaker = _breakers.get(name)
    if breaker is None:
        breaker = _breakers.setdefault(name, Breaker(name))
    return breaker
