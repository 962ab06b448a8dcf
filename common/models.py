from django.db import models


class RateLimitCounter(models.Model):
    """A fixed-window counter, incremented atomically under a row lock."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        # Created as part of the project package, before the kernel had an app.
        db_table = "portal_ratelimitcounter"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window_unique")]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class SessionEviction(models.Model):
    """A session whose copy in the cache may be stale: a write or delete of
    it did not reach the cache. The sweep deletes the copy once the cache
    answers, then the row (see ``common.sessions``)."""

    session_key = models.CharField(max_length=40, unique=True)
    # When a write last failed; the sweep keeps a row recorded again while it ran.
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.session_key[:6]}… @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class Heartbeat(models.Model):
    """When a periodic process last showed it was alive (beat stamps
    ``beat`` every minute). A database row, not a cache key: readiness and
    the desk must tell a stopped beat from a stopped Redis."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
