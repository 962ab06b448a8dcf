import datetime

import pytest
from django.utils import timezone

from outbox import handlers, services
from outbox.models import Obligation

pytestmark = pytest.mark.django_db

calls: list[str] = []


@handlers.handler("test.ok")
def _ok(obligation):
    calls.append(obligation.key)
    return "msg-1"


@handlers.handler("test.flaky")
def _flaky(obligation):
    raise handlers.TransientError("timeout")


@handlers.handler("test.broken")
def _broken(obligation):
    raise handlers.PermanentError("no address")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


def test_create_twice_with_one_key_keeps_one_row():
    services.obligation_create(key="k1", kind="test.ok", payload={})
    services.obligation_create(key="k1", kind="test.ok", payload={})
    assert Obligation.objects.filter(key="k1").count() == 1


def test_create_publishes_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.obligation_create(key="k2", kind="test.ok", payload={})
        services.obligation_create(key="k2", kind="test.ok", payload={})
    assert len(callbacks) == 1


def test_deliver_twice_runs_the_handler_once():
    obligation = services.obligation_create(key="k3", kind="test.ok", payload={})
    services.obligation_deliver(obligation_id=obligation.pk)
    services.obligation_deliver(obligation_id=obligation.pk)
    obligation.refresh_from_db()
    assert (calls, obligation.status, obligation.result) == (["k3"], Obligation.Status.DELIVERED, "msg-1")


def test_transient_failure_backs_off_exponentially():
    now = timezone.now()
    obligation = services.obligation_create(key="k4", kind="test.flaky", payload={}, now=now)
    services.obligation_deliver(obligation_id=obligation.pk, now=now)
    services.obligation_deliver(obligation_id=obligation.pk, now=now)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert obligation.next_attempt_at == now + datetime.timedelta(seconds=60)


def test_transient_failure_gives_up_after_max_attempts():
    obligation = services.obligation_create(key="k5", kind="test.flaky", payload={})
    for _ in range(services.MAX_ATTEMPTS):
        services.obligation_deliver(obligation_id=obligation.pk)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.FAILED


def test_permanent_failure_fails_at_once():
    obligation = services.obligation_create(key="k6", kind="test.broken", payload={})
    services.obligation_deliver(obligation_id=obligation.pk)
    obligation.refresh_from_db()
    assert (obligation.status, obligation.last_error) == (Obligation.Status.FAILED, "no address")


def test_sweep_delivers_only_due_rows():
    now = timezone.now()
    due = services.obligation_create(key="due", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    services.obligation_create(key="fresh", kind="test.ok", payload={}, now=now)
    assert services.outbox_sweep(now=now) == 1
    assert calls == [due.key]


def test_sweep_run_again_changes_nothing():
    now = timezone.now()
    services.obligation_create(key="once", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    services.outbox_sweep(now=now)
    assert services.outbox_sweep(now=now) == 0
    assert calls == ["once"]


def test_publish_swallows_broker_errors(monkeypatch):
    from outbox import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_obligation_task, "apply_async", refuse)
    assert services.obligation_publish(obligation_id=1) is False
