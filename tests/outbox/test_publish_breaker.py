"""Publishing while the broker's Redis has just failed (no Redis needed)."""

import pytest
from kombu.exceptions import OperationalError

from common import redis_breaker
from outbox import services
from outbox.tasks import deliver_obligation_task

BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setattr(redis_breaker, "_breakers", {})
    monkeypatch.setattr(deliver_obligation_task.app.conf, "broker_url", BROKER_URL)
    calls = []
    monkeypatch.setattr(deliver_obligation_task, "apply_async", lambda args, **options: calls.append(args))
    return calls


def test_publish_is_left_to_the_sweep_while_the_broker_redis_recently_failed(published):
    redis_breaker.breaker_for("redis://127.0.0.1:1/1").trip(TimeoutError("Timeout reading from socket"))
    assert services.obligation_publish(obligation_id=1, kind="test.ok") is False
    assert published == []


def test_failed_publish_leaves_the_broker_redis_alone_for_a_while(monkeypatch):
    monkeypatch.setattr(redis_breaker, "_breakers", {})
    monkeypatch.setattr(deliver_obligation_task.app.conf, "broker_url", BROKER_URL)

    def hang(args, **options):
        raise OperationalError("Timeout reading from socket")

    monkeypatch.setattr(deliver_obligation_task, "apply_async", hang)
    assert services.obligation_publish(obligation_id=1, kind="test.ok") is False
    assert not redis_breaker.breaker_for(BROKER_URL).allows()
