import os

import pytest
from django.conf import settings


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_sessionstart(session):
    """In CI the suite must run on the real services: fail, never skip."""
    if not _in_ci():
        return
    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        problems.append(f"CI=true but the database engine is {engine}; set DATABASE_URL to PostgreSQL")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"] or None,
                dbname="postgres",  # the server itself: the suite creates its own database
                connect_timeout=5,
            ).close()
        except psycopg.Error as error:
            problems.append(f"PostgreSQL is not reachable: {error}")
    if not settings.REDIS_URL:
        problems.append("CI=true but REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"Redis is not reachable: {error}")
    if problems:
        raise pytest.UsageError("; ".join(problems))


@pytest.fixture(autouse=True)
def _sms_outbox():
    """Each test starts with an empty SMS outbox."""
    from notices import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sms_outbox(_sms_outbox):
    return _sms_outbox


@pytest.fixture(autouse=True)
def _fresh_redis_breakers(monkeypatch):
    """A failure one test provokes must not leave Redis skipped in the next."""
    from common import redis_breaker

    monkeypatch.setattr(redis_breaker, "_breakers", {})


@pytest.fixture
def migrator(transactional_db):
    """Moves the database between migrations; leaves it fully migrated."""
    from tests.migrating import Migrator

    migrator = Migrator()
    yield migrator
    migrator.restore()
