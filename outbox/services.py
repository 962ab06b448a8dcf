import contextlib
import datetime
import functools
import logging
import time
from collections import defaultdict
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from common.metrics import DELIVERIES
from common.redis_breaker import breaker_for
from common.requestid import request_id_current, request_id_scope

from .handlers import PermanentError, TransientError, handler_for, queue_for
from .models import Obligation

logger = logging.getLogger(__name__)

# Pending rows younger than this are left to the task published on commit.
SWEEP_GRACE = datetime.timedelta(seconds=30)
MAX_ATTEMPTS = 8
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=2)


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at two hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def claim_period() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


# While a handler runs (:func:`_try`), the rows its transactions create and
# commit are collected here instead of each being published on its own; the
# try then hands them on together (:func:`_hand_on`).
_follow_ons: ContextVar[list | None] = ContextVar("outbox_follow_ons", default=None)
# Follow-on rows are delivered in the same task one level deep only: rows
# those deliveries create are published.
_handing_on: ContextVar[bool] = ContextVar("outbox_handing_on", default=False)


def obligation_create(*, key: str, kind: str, payload: dict, now: datetime.datetime | None = None) -> Obligation:
    """Record an obligation inside the caller's transaction; publish its
    delivery task once that transaction commits.

    Creating the same key twice returns the first row and publishes nothing.
    One ``INSERT ... ON CONFLICT DO NOTHING`` decides which (a row another
    transaction is inserting with the key is waited for), so no savepoint
    and no read first.
    """
    now = now or timezone.now()
    fields = {
        "key": key,
        "kind": kind,
        "payload": payload,
        "status": Obligation.Status.PENDING,
        "attempts": 0,
        "next_attempt_at": now + SWEEP_GRACE,
        "last_error": "",
        "result": "",
        "created_at": now,
        "request_id": request_id_current(),
    }
    obligation_id = _insert_unless_key_exists(fields)
    if obligation_id is None:
        return Obligation.objects.get(key=key)
    obligation = Obligation(pk=obligation_id, **fields)
    obligation._state.adding = False
    obligation._state.db = connection.alias
    transaction.on_commit(functools.partial(_committed, obligation_id=obligation_id, kind=kind))
    return obligation


def _insert_unless_key_exists(fields: dict) -> int | None:
    """The new row's id, or None when a row with the key exists."""
    meta = Obligation._meta
    quote = connection.ops.quote_name
    columns, values = [], []
    for name, value in fields.items():
        field = meta.get_field(name)
        columns.append(quote(field.column))
        values.append(field.get_db_prep_save(value, connection))
    # Names come from the model and are quoted; every value is a parameter.
    table, key, pk = quote(meta.db_table), quote(meta.get_field("key").column), quote(meta.pk.column)
    placeholders = ", ".join(["%s"] * len(values))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) ON CONFLICT ({key}) DO NOTHING"  # noqa: S608
    sql += f" RETURNING {pk}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return row[0] if row else None


def _committed(*, obligation_id: int, kind: str) -> None:
    """A new row was committed: publish it, or, while a handler runs, leave
    it to that try to hand on with the others."""
    follow_ons = _follow_ons.get()
    if follow_ons is None:
        obligation_publish(obligation_id=obligation_id, kind=kind)
    else:
        follow_ons.append((obligation_id, kind))


@contextlib.contextmanager
def _collecting_follow_ons():
    follow_ons: list[tuple[int, str]] = []
    token = _follow_ons.set(follow_ons)
    try:
        yield follow_ons
    finally:
        _follow_ons.reset(token)


def _hand_on(follow_ons: list[tuple[int, str]], *, queue: str | None, now: datetime.datetime | None) -> None:
    """Pass on what a delivery caused (routing opens a ticket: e-mails, the
    acknowledgement's messages, the agency's webhook): one batch task per
    other queue, published first, and the rows of this worker's own queue
    delivered here at once, one claim for them all, rather than a task and
    a claim each. Rows stay in the outbox throughout: whatever is not
    delivered here (a crash, the batch's time running out, a broker down)
    is due for the sweep."""
    by_queue: dict[str | None, list[int]] = defaultdict(list)
    for obligation_id, kind in follow_ons:
        by_queue[queue_for(kind)].append(obligation_id)
    here = by_queue.pop(queue, []) if not _handing_on.get() else []
    from .tasks import deliver_obligations_task

    size = settings.OUTBOX_BATCH_SIZE
    for other, ids in by_queue.items():
        for start in range(0, len(ids), size):
            _enqueue(deliver_obligations_task, args=[ids[start : start + size]], queue=other)
    if here:
        token = _handing_on.set(True)
        try:
            obligations_deliver(obligation_ids=here, now=now)
        finally:
            _handing_on.reset(token)


def _enqueue(task, *, args: list, queue: str | None) -> bool:
    """Publish on the kind's queue. Never raises: a broker that is down or
    hung only delays delivery until the sweep.

    While the broker's Redis has just failed (for the cache or a publish in
    this process), the rows are left to the sweep at once: each try at a
    frozen Redis waits out the socket timeouts, and it may be a borrower who
    waits.
    """
    breaker = breaker_for(task.app.conf.broker_url or "")
    if not breaker.allows():
        logger.info("Broker recently failed; %s%r is left to the sweep.", task.name, args)
        return False
    options = {"queue": queue} if queue else {}
    try:
        task.apply_async(args=args, **options)
    except Exception as error:  # noqa: BLE001 - any broker failure leaves the rows for the sweep
        breaker.trip(error)
        logger.warning("Could not publish %s%r; the sweep will deliver it.", task.name, args, exc_info=True)
        return False
    return True


def obligation_publish(*, obligation_id: int, kind: str) -> bool:
    """Ask a worker to deliver now."""
    from .tasks import deliver_obligation_task

    return _enqueue(deliver_obligation_task, args=[obligation_id], queue=queue_for(kind))


def _claim(*, obligation_ids: list[int], now: datetime.datetime, skip_locked: bool = False) -> list[Obligation]:
    """Take the rows that are pending and under no live claim for one try
    each, in a transaction of its own that commits before any handler runs:
    one locked read and one update, however many rows.

    With ``skip_locked`` a row another transaction holds (another worker
    claiming it) is left out rather than waited for; without it the read
    waits and sees the row as that transaction left it.
    """
    until = now + claim_period()
    with transaction.atomic():
        claimed = list(
            Obligation.objects.select_for_update(skip_locked=skip_locked)
            .filter(pk__in=obligation_ids, status=Obligation.Status.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("pk")
        )
        if claimed:
            # The sweep leaves the rows alone until the claim has run out.
            Obligation.objects.filter(pk__in=[obligation.pk for obligation in claimed]).update(
                attempts=F("attempts") + 1, claimed_until=until, next_attempt_at=until
            )
    for obligation in claimed:
        obligation.attempts += 1
        obligation.claimed_until = obligation.next_attempt_at = until
    return claimed


def _release(*, obligations: list[Obligation], now: datetime.datetime) -> None:
    """Undo one claim of rows taken but not tried, so they are due at once
    rather than after the claim period. The claim's ``claimed_until`` marks
    the rows still ours: one whose claim ran out and was taken over is left
    alone."""
    if obligations:
        Obligation.objects.filter(
            pk__in=[obligation.pk for obligation in obligations],
            status=Obligation.Status.PENDING,
            claimed_until=obligations[0].claimed_until,
        ).update(attempts=F("attempts") - 1, claimed_until=None, next_attempt_at=now)


def _try(obligation: Obligation, *, now: datetime.datetime | None) -> str | None:
    """Call the handler of a row we claimed, with no transaction open, then
    record the outcome only if the row is still ours (pending, our attempt):
    a try whose claim ran out and was taken over, or that staff cancelled
    meanwhile, changes nothing. Returns the status recorded, None when
    nothing was.

    The one home of this rule for the single and the batch path; ``now``
    None means the outcome is stamped when the handler returns. The try
    runs under the row's request id, which rows it creates inherit, and
    logs one line naming the row, never its payload (personal data).
    """
    started = time.monotonic()
    with request_id_scope(obligation.request_id or f"obligation-{obligation.pk}"):
        with _collecting_follow_ons() as follow_ons:
            outcome = _try_as_is(obligation, now=now)
        logger.info(
            "delivery obligation=%s kind=%s attempt=%s outcome=%s duration_ms=%.0f",
            obligation.pk,
            obligation.kind,
            obligation.attempts,
            outcome or "superseded",
            (time.monotonic() - started) * 1000,
        )
    DELIVERIES.labels(kind=obligation.kind, outcome=outcome or "superseded").inc()
    if follow_ons:
        with request_id_scope(obligation.request_id or f"obligation-{obligation.pk}"):
            _hand_on(follow_ons, queue=queue_for(obligation.kind), now=now)
    return outcome


def _try_as_is(obligation: Obligation, *, now: datetime.datetime | None) -> str | None:
    changes = {"claimed_until": None}
    try:
        result = handler_for(obligation.kind)(obligation)
    except PermanentError as error:
        changes.update(status=Obligation.Status.FAILED, last_error=str(error)[:2000])
        logger.error("Obligation %s failed permanently: %s", obligation.key, error)
    except Exception as error:  # noqa: BLE001 - a bug in a handler is retried like a timeout, then shown to staff
        if not isinstance(error, TransientError):
            logger.exception("Obligation %s: the handler raised an unexpected error.", obligation.key)
        finished = now or timezone.now()
        changes.update(next_attempt_at=finished + backoff(obligation.attempts), last_error=str(error)[:2000])
        if obligation.attempts >= MAX_ATTEMPTS:
            changes["status"] = Obligation.Status.FAILED
        logger.warning("Obligation %s failed (attempt %s): %s", obligation.key, obligation.attempts, error)
    else:
        changes.update(
            status=Obligation.Status.DELIVERED,
            delivered_at=now or timezone.now(),
            result=(result or "")[:200],
            last_error="",
        )
    recorded = Obligation.objects.filter(
        pk=obligation.pk, status=Obligation.Status.PENDING, attempts=obligation.attempts
    ).update(**changes)
    if not recorded:
        logger.warning("Obligation %s changed during delivery; its outcome is not recorded.", obligation.key)
        return None
    return changes.get("status", Obligation.Status.PENDING)


def obligation_deliver(*, obligation_id: int, now: datetime.datetime | None = None) -> Obligation | None:
    """Deliver one obligation if it is still pending and nobody else holds
    it. Safe to call twice, also while the first call is still running.

    Claim, then try it (:func:`_try`) with no transaction open; the caller
    must not hold one either.
    """
    obligation_try(obligation_id=obligation_id, now=now)
    return Obligation.objects.filter(pk=obligation_id).first()


def obligation_try(*, obligation_id: int, now: datetime.datetime | None = None) -> str | None:
    """:func:`obligation_deliver` without reading the row back: the task's
    path. Returns the status recorded, None when nothing was tried."""
    for obligation in _claim(obligation_ids=[obligation_id], now=now or timezone.now()):
        return _try(obligation, now=now)
    return None


def obligations_deliver(*, obligation_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Deliver a batch the sweep handed out: claim every row that is ours
    to take in one short transaction, skipping rows another worker holds,
    then try them one after another. Returns the rows delivered here.

    Stops trying once ``OUTBOX_BATCH_SECONDS`` are spent (a hanging
    receiver in the batch), so the task ends inside its time limit; the
    claimed rows it did not try are released and due again at once.
    """
    stop_at = time.monotonic() + settings.OUTBOX_BATCH_SECONDS
    untried = _claim(obligation_ids=obligation_ids, now=now or timezone.now(), skip_locked=True)
    delivered = 0
    try:
        while untried and time.monotonic() <= stop_at:
            if _try(untried.pop(0), now=now) == Obligation.Status.DELIVERED:
                delivered += 1
    finally:
        _release(obligations=untried, now=now or timezone.now())
    return delivered


def obligation_retry(*, obligation_id: int, now: datetime.datetime | None = None) -> None:
    """Staff send a failed obligation again."""
    now = now or timezone.now()
    retried = Obligation.objects.filter(pk=obligation_id, status=Obligation.Status.FAILED).update(
        status=Obligation.Status.PENDING, attempts=0, next_attempt_at=now, claimed_until=None, last_error=""
    )
    if retried:
        obligation_publish(obligation_id=obligation_id, kind=Obligation.objects.get(pk=obligation_id).kind)


def _due_batches(*, now: datetime.datetime):
    """(queue, ids) for every due row, at most ``OUTBOX_BATCH_SIZE`` ids a
    batch, all of one queue."""
    size = settings.OUTBOX_BATCH_SIZE
    last_id = 0
    while True:
        rows = list(
            Obligation.objects.filter(status=Obligation.Status.PENDING, next_attempt_at__lte=now, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "kind")[: size * 10]
        )
        if not rows:
            return
        by_queue: dict[str | None, list[int]] = defaultdict(list)
        for pk, kind in rows:
            by_queue[queue_for(kind)].append(pk)
        for queue, ids in by_queue.items():
            for start in range(0, len(ids), size):
                yield queue, ids[start : start + size]
        last_id = rows[-1][0]


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Hand what is due and pending to the workers, a batch per task on the
    queue of its kind, so a backlog drains as fast as the pools allow.
    Returns the rows handed out (or delivered here).

    A handed-out row is not due again for a claim period: a second sweep
    hands out nothing twice, and a lost task's rows come back after it.
    When publishing fails (the broker is down) the sweep delivers the rest
    itself. Reads ``now`` once; harmless to re-run.
    """
    from .tasks import deliver_obligations_task

    now = now or timezone.now()
    handed_out = 0
    for queue, ids in _due_batches(now=now):
        if not _enqueue(deliver_obligations_task, args=[ids], queue=queue):
            return handed_out + outbox_deliver_due(now=now)
        Obligation.objects.filter(pk__in=ids, status=Obligation.Status.PENDING, next_attempt_at__lte=now).update(
            next_attempt_at=now + claim_period()
        )
        handed_out += len(ids)
    return handed_out


def outbox_deliver_due(*, now: datetime.datetime | None = None) -> int:
    """Deliver what is due in this process, for ``OUTBOX_BATCH_SECONDS`` at
    most: the sweep's fallback while the broker is down. Reads ``now``
    once; harmless to re-run."""
    now = now or timezone.now()
    stop_at = time.monotonic() + settings.OUTBOX_BATCH_SECONDS
    delivered = 0
    for _queue, ids in _due_batches(now=now):
        if time.monotonic() > stop_at:
            break
        delivered += obligations_deliver(obligation_ids=ids, now=now)
    return delivered
