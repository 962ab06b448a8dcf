"""Notices through a real Redis broker and a real Celery worker.

Starts its own ``redis-server`` on a free port in a temporary folder and a
worker subprocess on the test database (so PostgreSQL is needed). In CI
(``CI=true``) the requirements must be there: a missing one fails the test.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from loans.models import ContactPreference
from notices.services import borrower_notify
from outbox.models import Obligation
from outbox.tasks import deliver_obligation_task
from tests.factories import ContactPreferenceFactory
from tests.redis_server import RedisServer, celery_broker_at, require, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="notices-integration-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def broker():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    require(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "the worker subprocess needs PostgreSQL (set DATABASE_URL)",
    )
    server = RedisServer()
    server.start()
    try:
        with celery_broker_at(server.url):
            yield server.url
    finally:
        server.remove()


@pytest.fixture
def worker(broker, folder):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": broker,
        "PORTAL_VAR_DIR": str(folder),
        "NOTICES_TEST_SMS_DIR": str(folder / "sms"),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    log = open(folder / "worker.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.notices.integration_worker",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield folder / "sms"
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    log.close()


def _notify(key: str):
    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.SMS).borrower
    with transaction.atomic():
        notice = borrower_notify(borrower=borrower, event="complaint.acknowledged", key=key, context={"reference": key})
    return notice


def _messages(folder: Path) -> list[str]:
    return sorted(p.read_text(encoding="utf-8") for p in folder.glob("*.txt")) if folder.exists() else []


def test_worker_sends_the_sms_once_even_when_its_task_is_delivered_again(worker, settings):
    settings.PLATFORM_MESSAGE_QUIET_HOURS = ("00:00", "00:00")
    first = _notify("TS-INT-1")
    wait_for(lambda: len(_messages(worker)) == 1, what="the first SMS")
    obligation = Obligation.objects.get(key=first.deliveries.get(channel="sms").obligation_key)
    deliver_obligation_task.apply_async(args=[obligation.pk])
    deliver_obligation_task.apply_async(args=[obligation.pk])
    # The solo worker takes tasks in order: once a later notice is out, the
    # duplicates before it have been handled.
    _notify("TS-INT-2")
    wait_for(lambda: any("TS-INT-2" in m for m in _messages(worker)), what="the second SMS")
    messages = _messages(worker)
    assert len(messages) == 2
    assert sum("TS-INT-1" in m for m in messages) == 1
