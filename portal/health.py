"""Liveness and readiness for the load balancer and the monitoring.

``/healthz`` says the process can answer (nothing else is touched).
``/readyz`` checks what the portal needs to do its work and what silently
stalls: PostgreSQL, the cache, the broker, beat's heartbeat, how far the
outbox is behind and the conduct check's backlog, each against a threshold
in settings (``READINESS_*``, read per call). Both are answered by
:class:`ProbeMiddleware` before anything else runs: no host check, HTTPS
redirect, session, CSRF or rate limit stands between a probe and its answer,
and no probe fills the request log.

The body names each check's state and a figure; never a host, a URL or
anything about a person.
"""

import datetime
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from common.cache import CacheUnavailable, raising
from common.heartbeat import heartbeat_age
from common.redis_breaker import breaker_for
from loans.models import ContactEvent
from outbox.models import Obligation

logger = logging.getLogger(__name__)

OK, DOWN, STALE, BEHIND, UNKNOWN = "ok", "down", "stale", "behind", "unknown"
CACHE_PROBE_KEY = "portal:readyz"
_redis_clients: dict[str, object] = {}


def _database(alias: str) -> dict:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return {"state": DOWN}
    return {"state": OK}


def _cache() -> dict:
    """A write and a read through the raising cache: the portal's cache
    answers a failure as a miss, which would pass for health."""
    strict = raising(cache)
    stamp = str(time.monotonic_ns())
    try:
        strict.set(CACHE_PROBE_KEY, stamp, timeout=30)
        answered = strict.get(CACHE_PROBE_KEY)
    except CacheUnavailable:
        return {"state": DOWN}
    return {"state": OK if answered == stamp else DOWN}


def _redis_client(url: str):
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients.setdefault(url, redis.Redis.from_url(url, **settings.READINESS_REDIS_OPTIONS))
    return client


def _broker() -> dict:
    """A PING to a Redis broker with short timeouts (one pooled client per
    process). The development transports (files, memory) have nothing to
    lose their connection to."""
    from portal.celery import app

    url = app.conf.broker_url or ""
    if urlsplit(url).scheme not in {"redis", "rediss"}:
        return {"state": OK}
    import redis

    breaker = breaker_for(url)
    if not breaker.allows():
        return {"state": DOWN}
    try:
        _redis_client(url).ping()
    except redis.RedisError as error:
        breaker.trip(error)
        return {"state": DOWN}
    return {"state": OK}


def _beat(*, now: datetime.datetime) -> dict:
    age = heartbeat_age(now=now)
    if age is None:
        return {"state": STALE, "age_seconds": None}
    seconds = int(age.total_seconds())
    return {"state": OK if seconds <= settings.READINESS_BEAT_MAX_AGE_SECONDS else STALE, "age_seconds": seconds}


def _outbox(*, now: datetime.datetime) -> dict:
    """How long the oldest due delivery has waited. Rows waiting out a
    retry's backoff are not behind: a failing receiver is the desk's and the
    metrics' business, not a reason to take the portal out of service."""
    oldest = Obligation.objects.filter(status=Obligation.Status.PENDING, next_attempt_at__lte=now).aggregate(
        oldest=Min("next_attempt_at")
    )["oldest"]
    seconds = 0 if oldest is None else int((now - oldest).total_seconds())
    return {"state": OK if seconds <= settings.READINESS_OUTBOX_MAX_AGE_SECONDS else BEHIND, "age_seconds": seconds}


def _conduct() -> dict:
    limit = settings.READINESS_CONDUCT_BACKLOG_MAX
    # Counting stops past the limit: a huge backlog costs no more than a small one.
    backlog = ContactEvent.objects.filter(
        pk__in=ContactEvent.objects.filter(conduct_checked_at__isnull=True).values("pk")[: limit + 1]
    ).count()
    return {"state": OK if backlog <= limit else BEHIND, "backlog": backlog}


def readiness(*, now: datetime.datetime) -> dict:
    """Every check's state; ``ready`` when all are ok. Checks that need the
    database are ``unknown`` while it is down."""
    checks = {"database": _database(settings.READINESS_DATABASE_ALIAS)}
    checks["cache"] = _cache()
    checks["broker"] = _broker()
    if checks["database"]["state"] == OK:
        try:
            checks["beat"] = _beat(now=now)
            checks["outbox"] = _outbox(now=now)
            checks["conduct"] = _conduct()
        except DatabaseError:
            checks["database"] = {"state": DOWN}
    for name in ("beat", "outbox", "conduct"):
        checks.setdefault(name, {"state": UNKNOWN})
    return {"ready": all(check["state"] == OK for check in checks.values()), "checks": checks}


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def readyz(request: HttpRequest) -> HttpResponse:
    report = readiness(now=timezone.now())
    response = JsonResponse(
        {"status": "ready" if report["ready"] else "not ready", "checks": report["checks"]},
        status=200 if report["ready"] else 503,
        headers={"Cache-Control": "no-store"},
    )
    if not report["ready"]:
        # One line naming what failed, instead of Django's bare "Service Unavailable".
        failing = " ".join(
            f"{name}={check['state']}" for name, check in report["checks"].items() if check["state"] != OK
        )
        logger.warning("readiness failed: %s", failing)
        response._has_been_logged = True
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """First in the chain: a probe's path is answered here and goes no
    further. A load balancer asks by IP over plain HTTP, which the host
    check and the HTTPS redirect would refuse; only GET and HEAD."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)
