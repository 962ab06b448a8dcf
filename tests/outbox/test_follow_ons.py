"""Rows a delivery creates (routing's e-mails, messages and webhook) are
handed on together when it ends: the worker's own queue delivered in the
same task under one claim, other queues as one batch task each."""

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from outbox import handlers, services
from outbox.models import Obligation

# Real commits: rows are handed on only once their transaction commits.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

delivered: list[str] = []


@handlers.handler("follow.mail")
def _mail(obligation):
    delivered.append(obligation.key)
    return "sent"


@handlers.handler("follow.flaky")
def _flaky(obligation):
    delivered.append(obligation.key)
    raise handlers.TransientError("provider timeout")


@handlers.handler("follow.hook", queue=handlers.WEBHOOKS_QUEUE)
def _hook(obligation):
    delivered.append(obligation.key)


@handlers.handler("follow.fanout")
def _fanout(obligation):
    """Like routing: one transaction writes the change and its rows."""
    with transaction.atomic():
        for number in range(obligation.payload["mails"]):
            services.obligation_create(key=f"{obligation.key}:mail:{number}", kind="follow.mail", payload={})
        if obligation.payload.get("flaky"):
            services.obligation_create(key=f"{obligation.key}:flaky", kind="follow.flaky", payload={})
        services.obligation_create(key=f"{obligation.key}:hook", kind="follow.hook", payload={})
        services.obligation_create(key=f"{obligation.key}:mail:tail", kind="follow.mail", payload={})


@handlers.handler("follow.rolledback")
def _rolled_back(obligation):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.obligation_create(key=f"{obligation.key}:lost", kind="follow.mail", payload={})
        raise RuntimeError("the change failed")


@pytest.fixture(autouse=True)
def _reset():
    delivered.clear()


@pytest.fixture
def published(monkeypatch):
    """What would go to the broker: (task name, args, queue)."""
    sent = []

    def enqueue(task, *, args, queue):
        sent.append((task.name.rsplit(".", 1)[-1], args, queue))
        return True

    monkeypatch.setattr(services, "_enqueue", enqueue)
    return sent


def _status(key: str) -> str:
    return Obligation.objects.get(key=key).status


def test_rows_of_the_own_queue_are_delivered_in_the_same_task(published):
    parent = services.obligation_create(key="route", kind="follow.fanout", payload={"mails": 2})
    published.clear()
    services.obligation_try(obligation_id=parent.pk)
    assert delivered == ["route:mail:0", "route:mail:1", "route:mail:tail"]
    assert {_status(key) for key in delivered} == {Obligation.Status.DELIVERED}


def test_rows_of_another_queue_go_out_as_one_batch_task(published):
    parent = services.obligation_create(key="route", kind="follow.fanout", payload={"mails": 2})
    published.clear()
    services.obligation_try(obligation_id=parent.pk)
    hook = Obligation.objects.get(key="route:hook")
    assert published == [("deliver_obligations_task", [[hook.pk]], handlers.WEBHOOKS_QUEUE)]
    assert hook.status == Obligation.Status.PENDING


def test_each_follow_on_costs_a_fixed_number_of_queries(published):
    """One claim for all of them: a row more costs its insert and its
    outcome, nothing else."""

    def queries(mails: int, key: str) -> int:
        parent = services.obligation_create(key=key, kind="follow.fanout", payload={"mails": mails})
        with CaptureQueriesContext(connection) as captured:
            services.obligation_try(obligation_id=parent.pk)
        return len(captured)

    assert queries(10, "ten") - queries(2, "two") == 2 * (10 - 2)


def test_a_follow_on_that_fails_loses_nothing(published):
    parent = services.obligation_create(key="route", kind="follow.fanout", payload={"mails": 1, "flaky": True})
    services.obligation_try(obligation_id=parent.pk)
    # A kind at a time: the flaky row's kind sorts first.
    assert delivered == ["route:flaky", "route:mail:0", "route:mail:tail"]
    flaky = Obligation.objects.get(key="route:flaky")
    assert (flaky.status, flaky.attempts, flaky.last_error) == (Obligation.Status.PENDING, 1, "provider timeout")
    assert _status("route:mail:tail") == _status("route") == Obligation.Status.DELIVERED


def test_follow_on_left_untried_is_due_for_the_sweep(monkeypatch, published):
    """The worker is lost after the change committed: its rows wait in the
    outbox and the sweep hands them out."""
    monkeypatch.setattr(services, "_hand_on", lambda *args, **kwargs: None)
    parent = services.obligation_create(key="route", kind="follow.fanout", payload={"mails": 1})
    services.obligation_try(obligation_id=parent.pk)
    assert delivered == []
    later = Obligation.objects.aggregate(latest=Max("next_attempt_at"))["latest"]
    published.clear()
    services.outbox_sweep(now=later)
    ids = dict(Obligation.objects.filter(key__startswith="route:").values_list("key", "pk"))
    assert sorted(published, key=lambda sent: str(sent[2])) == [
        ("deliver_obligations_task", [[ids["route:mail:0"], ids["route:mail:tail"]]], None),
        ("deliver_obligations_task", [[ids["route:hook"]]], handlers.WEBHOOKS_QUEUE),
    ]


def test_rows_of_a_rolled_back_change_are_not_handed_on(published):
    parent = services.obligation_create(key="change", kind="follow.rolledback", payload={})
    published.clear()
    services.obligation_try(obligation_id=parent.pk)
    assert (delivered, published) == ([], [])
    assert not Obligation.objects.filter(key="change:lost").exists()


def test_outside_a_delivery_each_row_is_published_on_commit(published):
    with transaction.atomic():
        first = services.obligation_create(key="a", kind="follow.mail", payload={})
        again = services.obligation_create(key="a", kind="follow.mail", payload={})
        assert published == []
    assert again.pk == first.pk
    assert published == [("deliver_obligation_task", [first.pk], None)]
