"""Liveness and readiness: what the load balancer and the monitoring ask.

Readiness names the check that fails; each outage is made real (a database
connection to nowhere, a private redis-server stopped, a stale heartbeat)
and then ended, and readiness must come back by itself.
"""

import datetime
import socket
import uuid
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test import Client

from common import redis_breaker
from common.heartbeat import heartbeat_stamp
from outbox.models import Obligation
from portal import health
from tests.factories import ContactEventFactory
from tests.redis_server import celery_broker_at, running_server

NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pinned(monkeypatch):
    """The views read the clock through ``portal.health.timezone``."""
    monkeypatch.setattr(health, "timezone", SimpleNamespace(now=lambda: NOW))
    return NOW


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(monkeypatch):
    """Readiness pointed at a connection that cannot connect (a closed port
    for PostgreSQL, a folder that does not exist for SQLite); undone by
    ``back()``."""
    real = connections["default"]
    broken_settings = dict(real.settings_dict)
    if real.vendor == "sqlite":
        broken_settings["NAME"] = "/nonexistent-folder/portal.sqlite3"
    else:
        broken_settings.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        broken_settings["OPTIONS"] = {**broken_settings.get("OPTIONS", {}), "connect_timeout": 1}
    broken = type(real)(broken_settings, alias="readiness-broken")
    monkeypatch.setattr(health, "connections", {"default": broken})

    def back():
        broken.close()
        monkeypatch.setattr(health, "connections", connections)

    yield back
    broken.close()


def _ready(client=None):
    response = (client or Client()).get("/readyz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_healthz_answers_without_the_database_a_host_check_or_https(settings, django_assert_num_queries):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.example.cn"]
    with django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_with_everything_up(pinned):
    heartbeat_stamp(now=NOW - datetime.timedelta(seconds=30))
    status, body = _ready()
    assert status == 200
    assert body["status"] == "ready"
    assert {name: check["state"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "beat": "ok",
        "outbox": "ok",
        "conduct": "ok",
    }


@pytest.mark.django_db
def test_readyz_answers_a_probe_by_ip_over_http(pinned, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.example.cn"]
    heartbeat_stamp(now=NOW)
    assert Client().get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200


@pytest.mark.django_db
def test_readyz_names_a_stale_heartbeat_then_recovers_when_beat_stamps_again(pinned):
    heartbeat_stamp(now=NOW - datetime.timedelta(minutes=10))
    status, body = _ready()
    assert status == 503
    assert body["checks"]["beat"] == {"state": "stale", "age_seconds": 600}
    assert [name for name, check in body["checks"].items() if check["state"] != "ok"] == ["beat"]

    heartbeat_stamp(now=NOW)
    assert _ready()[0] == 200


@pytest.mark.django_db
def test_readyz_names_a_heartbeat_never_stamped(pinned):
    status, body = _ready()
    assert status == 503
    assert body["checks"]["beat"]["state"] == "stale"


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_is_down_then_recovers(pinned, database_down):
    heartbeat_stamp(now=NOW)
    status, body = _ready()
    assert status == 503
    assert body["checks"]["database"] == {"state": "down"}
    # What needs the database is not judged while it is down.
    assert {body["checks"][name]["state"] for name in ("beat", "outbox", "conduct")} == {"unknown"}
    assert body["checks"]["cache"]["state"] == "ok"

    database_down()
    assert _ready()[0] == 200


@pytest.mark.django_db
def test_readyz_names_an_outbox_that_is_behind(pinned, settings):
    settings.READINESS_OUTBOX_MAX_AGE_SECONDS = 600
    heartbeat_stamp(now=NOW)
    Obligation.objects.create(
        key="k", kind="complaints.route", created_at=NOW, next_attempt_at=NOW - datetime.timedelta(minutes=11)
    )
    # A row waiting out its backoff is not behind.
    Obligation.objects.create(
        key="later", kind="complaints.route", created_at=NOW, next_attempt_at=NOW + datetime.timedelta(hours=1)
    )
    status, body = _ready()
    assert status == 503
    assert body["checks"]["outbox"] == {"state": "behind", "age_seconds": 660}


@pytest.mark.django_db
def test_readyz_names_a_conduct_backlog_past_the_limit(pinned, settings):
    settings.READINESS_CONDUCT_BACKLOG_MAX = 2
    heartbeat_stamp(now=NOW)
    ContactEventFactory.create_batch(2)
    assert _ready()[0] == 200
    ContactEventFactory()
    status, body = _ready()
    assert status == 503
    assert body["checks"]["conduct"] == {"state": "behind", "backlog": 3}


@pytest.mark.django_db
def test_readyz_says_nothing_about_hosts_or_secrets(pinned, settings):
    heartbeat_stamp(now=NOW)
    body = Client().get("/readyz").content.decode()
    for secret in (settings.SECRET_KEY, "127.0.0.1", "redis://", "postgres"):
        assert secret not in body


@pytest.fixture(scope="module")
def redis_server():
    with running_server() as server:
        yield server


@pytest.mark.integration
@pytest.mark.django_db
def test_readyz_names_the_cache_and_broker_when_redis_stops_then_recovers(pinned, redis_server, settings, monkeypatch):
    monkeypatch.setattr(redis_breaker, "_breakers", {})
    clock = [1000.0]
    monkeypatch.setattr(redis_breaker.Breaker, "clock", staticmethod(lambda: clock[0]))
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": uuid.uuid4().hex,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    heartbeat_stamp(now=NOW)
    with celery_broker_at(redis_server.url):
        assert _ready()[0] == 200

        redis_server.stop()
        status, body = _ready()
        assert status == 503
        assert body["checks"]["cache"] == {"state": "down"}
        assert body["checks"]["broker"] == {"state": "down"}
        assert body["checks"]["database"]["state"] == "ok"

        redis_server.start()
        # Each process leaves a failed Redis alone for a few seconds (the
        # breaker); once that has passed, readiness sees it back.
        clock[0] += redis_breaker.BREAK_SECONDS + 1
        status, body = _ready()
        assert status == 200, body
