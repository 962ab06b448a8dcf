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


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """A test that switched the language (a page asked for in Chinese) must
    not leave it switched for the next: each starts in the settings' one."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_memos():
    """Rows an earlier test wrote were rolled back without a signal: each
    test builds what the processes keep (common.memo) from its own database."""
    from common.memo import memos_forget

    memos_forget()
    yield
    memos_forget()


@pytest.fixture
def migrator(transactional_db):
    """Moves the database between migrations; leaves it fully migrated."""
    from tests.migrating import Migrator

    migrator = Migrator()
    yield migrator
    migrator.restore()


@pytest.fixture(autouse=True, scope="session")
def _jinja2_rendering_signal():
    """The test client learns which templates a response rendered, and with
    what context (``response.templates``, ``response.context``), from the
    ``template_rendered`` signal, which Django sends only for its own
    template language: send it for the Jinja2 pages too."""
    from django.template.backends import jinja2
    from django.test.signals import template_rendered

    original = jinja2.Template.render

    def render(self, context=None, request=None):
        content = original(self, context, request)
        template_rendered.send(sender=self, template=self.template, context=context)
        return content

    jinja2.Template.render = render
    yield
    jinja2.Template.render = original
