import datetime
import threading

import pytest
from django.db import connection
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


@handlers.handler("test.hook", queue=handlers.WEBHOOKS_QUEUE)
def _hook(obligation):
    calls.append(obligation.key)


@handlers.handler("test.reentrant")
def _reentrant(obligation):
    calls.append(obligation.key)
    services.obligation_deliver(obligation_id=obligation.pk)


class WorkerLost(BaseException):
    """The worker process dies in the middle of a delivery."""


@handlers.handler("test.crash")
def _crash(obligation):
    raise WorkerLost


@handlers.handler("test.cancelled")
def _cancelled_meanwhile(obligation):
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.CANCELLED)


@handlers.handler("test.bug")
def _bug(obligation):
    raise KeyError("payload")


# Seconds on the batch's clock; a slow delivery moves it on.
clock = [0.0]


@handlers.handler("test.slow")
def _slow(obligation):
    calls.append(obligation.key)
    clock[0] += 61


in_atomic_block: list[bool] = []


@handlers.handler("test.transaction")
def _transaction(obligation):
    in_atomic_block.append(connection.in_atomic_block)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()
    in_atomic_block.clear()


def test_create_twice_with_one_key_keeps_one_row():
    services.obligation_create(key="k1", kind="test.ok", payload={})
    services.obligation_create(key="k1", kind="test.ok", payload={})
    assert Obligation.objects.filter(key="k1").count() == 1


def test_create_again_returns_the_first_row_as_stored():
    first = services.obligation_create(key="k1b", kind="test.ok", payload={"n": 1})
    again = services.obligation_create(key="k1b", kind="test.ok", payload={"n": 2})
    assert (again.pk, again.payload, again.status, again.attempts) == (first.pk, {"n": 1}, "pending", 0)


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


@pytest.fixture
def handed_out(monkeypatch):
    """The batches the sweep publishes, as (queue, ids)."""
    from outbox import tasks

    batches = []

    def publish(args, **options):
        batches.append((options.get("queue"), args[0]))

    monkeypatch.setattr(tasks.deliver_obligations_task, "apply_async", publish)
    return batches


@pytest.fixture
def broker_down(monkeypatch):
    from kombu.exceptions import OperationalError

    from outbox import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.deliver_obligations_task, "apply_async", refuse)
    monkeypatch.setattr(tasks.deliver_obligation_task, "apply_async", refuse)


def test_sweep_hands_out_only_due_rows(handed_out):
    now = timezone.now()
    due = services.obligation_create(key="due", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    services.obligation_create(key="fresh", kind="test.ok", payload={}, now=now)
    assert services.outbox_sweep(now=now) == 1
    assert handed_out == [(None, [due.pk])]
    assert calls == []


def test_sweep_run_again_hands_out_nothing_twice(handed_out):
    now = timezone.now()
    services.obligation_create(key="once", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    services.outbox_sweep(now=now)
    assert services.outbox_sweep(now=now) == 0
    assert len(handed_out) == 1


def test_sweep_hands_out_again_once_a_lost_batch_claim_runs_out(handed_out):
    now = timezone.now()
    services.obligation_create(key="lost", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    services.outbox_sweep(now=now)
    services.outbox_sweep(now=now + services.claim_period())
    assert len(handed_out) == 2


def test_sweep_hands_out_batches_of_the_configured_size(handed_out, settings):
    settings.OUTBOX_BATCH_SIZE = 2
    past = timezone.now() - datetime.timedelta(minutes=5)
    for number in range(5):
        services.obligation_create(key=f"b{number}", kind="test.ok", payload={}, now=past)
    services.outbox_sweep(now=timezone.now())
    assert [len(ids) for _queue, ids in handed_out] == [2, 2, 1]


def test_sweep_puts_webhooks_on_their_own_queue(handed_out):
    past = timezone.now() - datetime.timedelta(minutes=5)
    hook = services.obligation_create(key="hook", kind="test.hook", payload={}, now=past)
    ok = services.obligation_create(key="ok", kind="test.ok", payload={}, now=past)
    services.outbox_sweep(now=timezone.now())
    assert sorted(handed_out, key=str) == sorted([(None, [ok.pk]), (handlers.WEBHOOKS_QUEUE, [hook.pk])], key=str)


def test_sweep_delivers_itself_when_the_broker_is_down(broker_down):
    now = timezone.now()
    services.obligation_create(key="stuck", kind="test.ok", payload={}, now=now - datetime.timedelta(minutes=5))
    assert services.outbox_sweep(now=now) == 1
    assert calls == ["stuck"]


def test_publish_puts_a_webhook_on_its_own_queue(monkeypatch):
    from outbox import tasks

    queues = []
    monkeypatch.setattr(tasks.deliver_obligation_task, "apply_async", lambda args, **o: queues.append(o.get("queue")))
    services.obligation_publish(obligation_id=1, kind="test.hook")
    services.obligation_publish(obligation_id=2, kind="test.ok")
    assert queues == [handlers.WEBHOOKS_QUEUE, None]


def test_batch_task_delivers_each_row_once():
    from outbox import tasks

    first = services.obligation_create(key="one", kind="test.ok", payload={})
    second = services.obligation_create(key="two", kind="test.ok", payload={})
    tasks.deliver_obligations_task.apply(args=[[first.pk, second.pk]])
    tasks.deliver_obligations_task.apply(args=[[first.pk, second.pk]])
    assert calls == ["one", "two"]


def test_second_delivery_while_the_first_is_in_flight_does_nothing():
    obligation = services.obligation_create(key="inflight", kind="test.reentrant", payload={})
    services.obligation_deliver(obligation_id=obligation.pk)
    obligation.refresh_from_db()
    assert (calls, obligation.status, obligation.attempts) == (["inflight"], Obligation.Status.DELIVERED, 1)


def test_claim_that_ran_out_makes_the_row_due_again(handed_out):
    now = timezone.now()
    obligation = services.obligation_create(key="crash", kind="test.crash", payload={}, now=now)
    with pytest.raises(WorkerLost):
        services.obligation_deliver(obligation_id=obligation.pk, now=now)
    services.outbox_sweep(now=now + services.claim_period() - datetime.timedelta(seconds=1))
    assert handed_out == []
    services.outbox_sweep(now=now + services.claim_period())
    assert handed_out == [(None, [obligation.pk])]


def test_outcome_is_not_recorded_over_a_cancellation_made_in_flight():
    obligation = services.obligation_create(key="withdrawn", kind="test.cancelled", payload={})
    services.obligation_deliver(obligation_id=obligation.pk)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.CANCELLED


def test_unexpected_handler_error_is_retried_with_backoff():
    now = timezone.now()
    obligation = services.obligation_create(key="bug", kind="test.bug", payload={}, now=now)
    services.obligation_deliver(obligation_id=obligation.pk, now=now)
    obligation.refresh_from_db()
    assert (obligation.status, obligation.next_attempt_at, obligation.claimed_until) == (
        Obligation.Status.PENDING,
        now + services.backoff(1),
        None,
    )


# Serialized rollback: the flush after this test then leaves the groups the
# migrations made for the next serialized test to restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_handler_runs_with_no_transaction_open():
    obligation = services.obligation_create(key="outside", kind="test.transaction", payload={})
    services.obligation_deliver(obligation_id=obligation.pk)
    assert in_atomic_block == [False]


def test_publish_swallows_broker_errors(broker_down):
    assert services.obligation_publish(obligation_id=1, kind="test.ok") is False


@pytest.mark.parametrize("size", [1, 10])
def test_batch_claims_in_a_fixed_number_of_queries(django_assert_max_num_queries, size):
    ids = [services.obligation_create(key=f"q{number}", kind="test.ok", payload={}).pk for number in range(size)]
    # Claim: savepoint, locked read, update, release; then one outcome update a row.
    with django_assert_max_num_queries(4 + size):
        assert services.obligations_deliver(obligation_ids=ids) == size
    assert len(calls) == size


def test_batch_skips_rows_under_another_workers_claim():
    now = timezone.now()
    mine = services.obligation_create(key="mine", kind="test.ok", payload={}, now=now)
    theirs = services.obligation_create(key="theirs", kind="test.ok", payload={}, now=now)
    Obligation.objects.filter(pk=theirs.pk).update(attempts=1, claimed_until=now + services.claim_period())
    assert services.obligations_deliver(obligation_ids=[mine.pk, theirs.pk], now=now) == 1
    theirs.refresh_from_db()
    assert (calls, theirs.status, theirs.attempts) == (["mine"], Obligation.Status.PENDING, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks to skip")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batch_skips_rows_another_worker_is_claiming_without_waiting():
    from django.db import connections, transaction

    mine = services.obligation_create(key="free", kind="test.ok", payload={})
    theirs = services.obligation_create(key="locked", kind="test.ok", payload={})
    locked, done = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Obligation.objects.select_for_update().get(pk=theirs.pk)
                locked.set()
                done.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        assert services.obligations_deliver(obligation_ids=[mine.pk, theirs.pk]) == 1
    finally:
        done.set()
        thread.join()
    theirs.refresh_from_db()
    assert (calls, theirs.status, theirs.attempts) == (["free"], Obligation.Status.PENDING, 0)


def test_batch_that_stops_early_releases_the_rows_it_did_not_try(monkeypatch, handed_out):
    now = timezone.now()
    clock[0] = 0.0
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    ids = [
        services.obligation_create(key=f"s{number}", kind="test.slow", payload={}, now=now).pk for number in range(3)
    ]
    assert services.obligations_deliver(obligation_ids=ids, now=now) == 1
    assert calls == ["s0"]
    untried = (
        Obligation.objects.filter(pk__in=ids[1:])
        .order_by("pk")
        .values_list("status", "attempts", "claimed_until", "next_attempt_at")
    )
    assert list(untried) == [(Obligation.Status.PENDING, 0, None, now)] * 2
    services.outbox_sweep(now=now)
    assert handed_out == [(None, ids[1:])]


def test_batch_run_twice_or_overlapping_delivers_each_row_once():
    ids = [services.obligation_create(key=f"t{number}", kind="test.ok", payload={}).pk for number in range(3)]
    assert services.obligations_deliver(obligation_ids=ids[:2]) == 2
    assert services.obligations_deliver(obligation_ids=ids[:2]) == 0
    assert services.obligations_deliver(obligation_ids=ids[1:]) == 1
    assert calls == ["t0", "t1", "t2"]
    assert list(Obligation.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == [1, 1, 1]


batched: list[list[str]] = []


@handlers.batch_handler("test.batch")
def _batch(obligations):
    batched.append([obligation.key for obligation in obligations])
    return [
        handlers.TransientError("refused") if obligation.payload.get("fail") else f"sent {obligation.key}"
        for obligation in obligations
    ]


def test_batch_handler_gets_the_rows_of_its_kind_together():
    batched.clear()
    ids = [services.obligation_create(key=f"b{number}", kind="test.batch", payload={}).pk for number in range(3)]
    ids.insert(1, services.obligation_create(key="single", kind="test.ok", payload={}).pk)
    assert services.obligations_deliver(obligation_ids=ids) == 4
    assert (batched, calls) == ([["b0", "b1", "b2"]], ["single"])
    assert list(Obligation.objects.filter(kind="test.batch").order_by("pk").values_list("result", flat=True)) == [
        "sent b0",
        "sent b1",
        "sent b2",
    ]


def test_one_failure_in_a_batch_handler_is_that_rows_alone():
    now = timezone.now()
    good = services.obligation_create(key="good", kind="test.batch", payload={}, now=now)
    bad = services.obligation_create(key="bad", kind="test.batch", payload={"fail": True}, now=now)
    assert services.obligations_deliver(obligation_ids=[good.pk, bad.pk], now=now) == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status, bad.last_error) == ("delivered", "pending", "refused")
    assert bad.next_attempt_at == now + services.backoff(1)


def test_batch_outcomes_are_not_recorded_over_a_cancellation_made_in_flight(monkeypatch):
    first = services.obligation_create(key="c0", kind="test.batch", payload={})
    second = services.obligation_create(key="c1", kind="test.batch", payload={})
    real = handlers.batch_handler_for("test.batch")

    def cancel_one(obligations):
        Obligation.objects.filter(pk=second.pk).update(status=Obligation.Status.CANCELLED)
        return real(obligations)

    monkeypatch.setitem(handlers._batches, "test.batch", cancel_one)
    assert services.obligations_deliver(obligation_ids=[first.pk, second.pk]) == 1
    assert Obligation.objects.get(pk=second.pk).status == Obligation.Status.CANCELLED


def test_deferred_rows_are_inserted_together_when_the_block_ends(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        with services.obligations_deferred():
            services.obligation_create(key="d1", kind="test.ok", payload={})
            services.obligation_create(key="d2", kind="test.ok", payload={})
            assert not Obligation.objects.filter(key__in=["d1", "d2"]).exists()
        assert Obligation.objects.filter(key__in=["d1", "d2"]).count() == 2
    assert len(callbacks) == 2


def test_deferred_rows_of_a_block_that_raised_are_forgotten():
    from django.db import transaction

    with transaction.atomic(), services.obligations_deferred():
        with pytest.raises(RuntimeError), transaction.atomic(), services.obligations_deferred():
            services.obligation_create(key="lost", kind="test.ok", payload={})
            raise RuntimeError("this item failed")
        services.obligation_create(key="kept", kind="test.ok", payload={})
    assert list(Obligation.objects.filter(key__in=["lost", "kept"]).values_list("key", flat=True)) == ["kept"]


def test_deferred_row_with_a_key_that_exists_is_not_inserted_again():
    from django.db import transaction

    first = services.obligation_create(key="once", kind="test.ok", payload={"n": 1})
    with transaction.atomic(), services.obligations_deferred():
        services.obligation_create(key="once", kind="test.ok", payload={"n": 2})
        services.obligation_create(key="once", kind="test.ok", payload={"n": 3})
    assert list(Obligation.objects.filter(key="once").values_list("pk", "payload")) == [(first.pk, {"n": 1})]
