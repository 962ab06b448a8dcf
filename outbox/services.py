import contextlib
import datetime
import functools
import logging
import time
from collections import defaultdict
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from common.bulkupdate import rows_update
from common.cache import CacheUnavailable, raising
from common.deferred import Deferral
from common.metrics import DELIVERIES
from common.redis_breaker import breaker_for
from common.requestid import request_id_current, request_id_scope

from .handlers import PermanentError, TransientError, batch_handler_for, gathers, handler_for, queue_for
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


# Inside :func:`obligations_deferred`, new rows wait here and are inserted
# together when the block ends.
_deferred: Deferral[dict] = Deferral("outbox_deferred", lambda rows: _insert_unless_keys_exist(rows))


def obligation_create(*, key: str, kind: str, payload: dict, now: datetime.datetime | None = None) -> Obligation:
    """Record an obligation inside the caller's transaction; publish its
    delivery task once that transaction commits.

    Creating the same key twice returns the first row and publishes nothing.
    One ``INSERT ... ON CONFLICT DO NOTHING`` decides which (a row another
    transaction is inserting with the key is waited for), so no savepoint
    and no read first.

    Inside :func:`obligations_deferred` the row is only noted: it is
    inserted, with the others of the block, when the block ends, and the
    row returned has no id yet.
    """
    fields = _fields(key=key, kind=kind, payload=payload, now=now or timezone.now())
    if _deferred.note(fields):
        return Obligation(**fields)
    (obligation_id,) = _insert_unless_keys_exist([fields])
    if obligation_id is None:
        return Obligation.objects.get(key=key)
    obligation = Obligation(pk=obligation_id, **fields)
    obligation._state.adding = False
    obligation._state.db = connection.alias
    return obligation


def obligations_deferred():
    """Rows created in the block are inserted together as it ends (one
    statement for many), or forgotten when it raises. Inside another such
    block they join the outer one's rows instead, so a batch that runs each
    item in a savepoint of its own inserts the rows of the items that
    succeeded, once. Use it inside the transaction the rows belong to."""
    return _deferred.block()


def _fields(*, key: str, kind: str, payload: dict, now: datetime.datetime) -> dict:
    return {
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


# Rows a statement: SQLite allows 32766 parameters, eleven a row.
_INSERT_CHUNK = 500


def _insert_unless_keys_exist(rows: list[dict]) -> list[int | None]:
    """Insert the rows whose key is new, in one statement per
    ``_INSERT_CHUNK``, and publish each new one once the transaction
    commits. Returns each row's new id, None where the key existed (or came
    earlier in ``rows``)."""
    meta = Obligation._meta
    quote = connection.ops.quote_name
    names = list(rows[0])
    fields = [meta.get_field(name) for name in names]
    # Names come from the model and are quoted; every value is a parameter.
    table, key, pk = quote(meta.db_table), quote(meta.get_field("key").column), quote(meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids: dict[str, int] = {}
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        values = [
            field.get_db_prep_save(row[name], connection)
            for row in chunk
            for name, field in zip(names, fields, strict=True)
        ]
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_placeholder] * len(chunk))} "  # noqa: S608
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}, {key}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            ids.update((row_key, row_id) for row_id, row_key in cursor.fetchall())
    new = []
    for row in rows:
        obligation_id = ids.pop(row["key"], None)
        new.append(obligation_id)
        if obligation_id is not None:
            transaction.on_commit(functools.partial(_committed, obligation_id=obligation_id, kind=row["kind"]))
    return new


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
    """Ask a worker to deliver now. A row of a kind that gathers names its
    kind to the task, and publishes none while a task for the kind is
    queued and has not started: that task will take the row along
    (:func:`_wake_up`)."""
    from .tasks import deliver_obligation_task

    if not (gathers(kind) and settings.OUTBOX_WAKE_SECONDS):
        return _enqueue(deliver_obligation_task, args=[obligation_id], queue=queue_for(kind))
    if not _wake_up(kind):
        return True
    return _enqueue(deliver_obligation_task, args=[obligation_id, kind], queue=queue_for(kind))


def _wake_key(kind: str) -> str:
    return f"outbox:wake:{kind}"


def _wake_up(kind: str) -> bool:
    """Whether a new row of a gathering ``kind`` needs a task of its own:
    none is queued and not yet started. The task clears the key as it
    starts, before it gathers (:func:`_woken`), so a row committed before
    the key was found is seen by that task's gathering; the key lapses
    after ``OUTBOX_WAKE_SECONDS`` should its task be lost. Without the cache,
    a task is published."""
    try:
        return raising(cache).add(_wake_key(kind), 1, timeout=settings.OUTBOX_WAKE_SECONDS)
    except CacheUnavailable:
        return True


def _woken(kind: str) -> None:
    """A task for ``kind`` starts: rows committed from now on publish again."""
    with contextlib.suppress(CacheUnavailable):
        raising(cache).delete(_wake_key(kind))


def _claim(
    *,
    obligation_ids: list[int],
    now: datetime.datetime,
    skip_locked: bool = False,
    gather: bool = False,
    kind: str | None = None,
) -> list[Obligation]:
    """Take the rows that are pending and under no live claim for one try
    each, in a transaction of its own that commits before any handler runs:
    one locked read and one update, however many rows.

    With ``skip_locked`` a row another transaction holds (another worker
    claiming it) is left out rather than waited for; without it the read
    waits and sees the row as that transaction left it. With ``gather``, a
    row of a kind that gathers (:func:`.handlers.gathers`) brings along
    others of its kind that are due and free, up to ``OUTBOX_GATHER_SIZE``
    in all, oldest first, skipping those another worker holds; a task
    woken for a ``kind`` that gathers gathers its rows even when its own row
    was taken already.
    """
    until = now + claim_period()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    with transaction.atomic():
        claimed = list(
            Obligation.objects.select_for_update(skip_locked=skip_locked)
            .filter(pk__in=obligation_ids, status=Obligation.Status.PENDING)
            .filter(free)
            .order_by("pk")
        )
        kinds = {obligation.kind for obligation in claimed if gathers(obligation.kind)}
        if not claimed and kind is not None and gathers(kind):
            kinds = {kind}
        room = settings.OUTBOX_GATHER_SIZE - len(claimed)
        if gather and len(kinds) == 1 and room > 0:
            # New rows (their own tasks are on the way) and rows due again;
            # a row waiting out its backoff is left to wait.
            claimed += list(
                Obligation.objects.select_for_update(skip_locked=True)
                .filter(kind=kinds.pop(), status=Obligation.Status.PENDING)
                .filter(free)
                .filter(Q(attempts=0) | Q(next_attempt_at__lte=now))
                .exclude(pk__in=[obligation.pk for obligation in claimed])
                .order_by("pk")[:room]
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


def _try(obligations: list[Obligation], *, now: datetime.datetime | None) -> list[str | None]:
    """Call the handler of rows we claimed (one claim), all of one kind,
    with no transaction open: the kind's batch handler once, else its
    handler row by row. Then record each outcome only if the row is still
    ours (pending, under this claim): a try whose claim ran out and was
    taken over, or that staff cancelled meanwhile, changes nothing. Returns
    the status recorded for each row, None where nothing was.

    The one home of this rule for the single and the batch path; ``now``
    None means outcomes are stamped when the handler returns. Each row runs
    under its request id (:func:`obligation_scope`), which rows it creates
    inherit, and logs one line naming the row, never its payload (personal
    data). What the rows' transactions create is handed on once, when all
    are tried.
    """
    started = time.monotonic()
    kind = obligations[0].kind
    with _collecting_follow_ons() as follow_ons:
        outcomes = _call(kind, obligations)
    finished = now or timezone.now()
    statuses = _record(obligations, outcomes, now=finished)
    duration_ms = (time.monotonic() - started) * 1000 / len(obligations)
    for obligation, status in zip(obligations, statuses, strict=True):
        with obligation_scope(obligation):
            logger.info(
                "delivery obligation=%s kind=%s attempt=%s outcome=%s duration_ms=%.0f",
                obligation.pk,
                obligation.kind,
                obligation.attempts,
                status or "superseded",
                duration_ms,
            )
        DELIVERIES.labels(kind=obligation.kind, outcome=status or "superseded").inc()
    if follow_ons:
        with obligation_scope(obligations[0]):
            _hand_on(follow_ons, queue=queue_for(kind), now=now)
    return statuses


def obligation_scope(obligation: Obligation):
    """Run code for a row under its request id (its creator's), so rows it
    creates and the lines it logs carry it."""
    return request_id_scope(obligation.request_id or f"obligation-{obligation.pk}")


def _call(kind: str, obligations: list[Obligation]) -> list:
    """Each row's result or the exception it failed with."""
    batch = batch_handler_for(kind)
    if batch is not None:
        try:
            return batch(obligations)
        except Exception as error:  # noqa: BLE001 - a bug in a handler is retried like a timeout
            return [error] * len(obligations)
    outcomes = []
    for obligation in obligations:
        with obligation_scope(obligation):
            try:
                outcomes.append(handler_for(kind)(obligation))
            except Exception as error:  # noqa: BLE001 - recorded per row below
                outcomes.append(error)
    return outcomes


def _changes(obligation: Obligation, outcome, *, now: datetime.datetime) -> dict:
    changes = {"claimed_until": None}
    if isinstance(outcome, PermanentError):
        changes.update(status=Obligation.Status.FAILED, last_error=str(outcome)[:2000])
        logger.error("Obligation %s failed permanently: %s", obligation.key, outcome)
    elif isinstance(outcome, Exception):
        if not isinstance(outcome, TransientError):
            logger.error(
                "Obligation %s: the handler raised an unexpected error.",
                obligation.key,
                exc_info=(type(outcome), outcome, outcome.__traceback__),
            )
        changes.update(next_attempt_at=now + backoff(obligation.attempts), last_error=str(outcome)[:2000])
        if obligation.attempts >= MAX_ATTEMPTS:
            changes["status"] = Obligation.Status.FAILED
        logger.warning("Obligation %s failed (attempt %s): %s", obligation.key, obligation.attempts, outcome)
    else:
        changes.update(
            status=Obligation.Status.DELIVERED, delivered_at=now, result=(outcome or "")[:200], last_error=""
        )
    return changes


def _record(obligations: list[Obligation], outcomes: list, *, now: datetime.datetime) -> list[str | None]:
    """Write the outcomes of rows of one claim: one update for the rows
    whose outcome changes the same columns, guarded by the claim (the rows'
    ``claimed_until``) and their status, so a row taken over or cancelled
    meanwhile keeps what it has."""
    claimed_until = obligations[0].claimed_until
    groups: dict[tuple[str, ...], list[Obligation]] = defaultdict(list)
    wanted: dict[int, str] = {}
    for obligation, outcome in zip(obligations, outcomes, strict=True):
        changes = _changes(obligation, outcome, now=now)
        for name, value in changes.items():
            setattr(obligation, name, value)
        wanted[obligation.pk] = changes.get("status", Obligation.Status.PENDING)
        groups[tuple(sorted(changes))].append(obligation)
    recorded = 0
    ours = {"status": Obligation.Status.PENDING, "claimed_until": claimed_until}
    for fields, rows in groups.items():
        recorded += rows_update(rows, fields, where=ours)
    if recorded == len(obligations):
        return [wanted[obligation.pk] for obligation in obligations]
    # Some rows changed hands during delivery: find which kept our outcome.
    now_held = dict(Obligation.objects.filter(pk__in=list(wanted)).values_list("pk", "claimed_until").order_by())
    statuses = []
    for obligation in obligations:
        if now_held.get(obligation.pk) is not None:
            logger.warning("Obligation %s changed during delivery; its outcome is not recorded.", obligation.key)
            statuses.append(None)
        else:
            statuses.append(wanted[obligation.pk])
    return statuses


def _try_all(untried: list[Obligation], *, now: datetime.datetime | None, stop_at: float | None = None):
    """Try claimed rows, a kind at a time (consecutive rows of a kind that
    has a batch handler together, whatever order they came in), until ``stop_at`` (``time.monotonic``)
    passes. Takes the rows it tries off ``untried``, before trying them, so
    what is left there was not tried. Returns the statuses recorded."""
    statuses: list[str | None] = []
    # A kind's rows side by side (stable: the rows of a kind keep their order).
    untried.sort(key=lambda obligation: obligation.kind)
    while untried and (stop_at is None or time.monotonic() <= stop_at):
        kind = untried[0].kind
        size = 1
        if batch_handler_for(kind) is not None:
            while size < len(untried) and untried[size].kind == kind:
                size += 1
        group = untried[:size]
        del untried[:size]
        statuses += _try(group, now=now)
    return statuses


def obligation_deliver(*, obligation_id: int, now: datetime.datetime | None = None) -> Obligation | None:
    """Deliver one obligation if it is still pending and nobody else holds
    it. Safe to call twice, also while the first call is still running.

    Claim, then try it (:func:`_try`) with no transaction open; the caller
    must not hold one either.
    """
    obligation_try(obligation_id=obligation_id, now=now)
    return Obligation.objects.filter(pk=obligation_id).first()


def obligation_try(*, obligation_id: int, now: datetime.datetime | None = None, kind: str | None = None) -> str | None:
    """:func:`obligation_deliver` without reading the row back: the task's
    path. Returns the status recorded, None when nothing was tried.

    A row of a kind that gathers (routing) takes along the others of its
    kind that are due, and they are delivered together: under a burst one
    task routes many complaints. A task published for a row of such a
    ``kind`` (:func:`obligation_publish`) was the one task on its way for
    the kind: it lets new rows publish again as it starts, and when it
    takes a full batch, more may be waiting: it publishes the next task
    before it delivers, so another worker takes them meanwhile."""
    if kind is not None:
        _woken(kind)
    claimed = _claim(obligation_ids=[obligation_id], now=now or timezone.now(), gather=True, kind=kind)
    if not claimed:
        return None
    if kind is not None and len(claimed) >= settings.OUTBOX_GATHER_SIZE:
        obligation_publish(obligation_id=claimed[-1].pk, kind=kind)
    own = claimed[0].pk == obligation_id
    statuses = _try_all(claimed, now=now)
    return statuses[0] if own else None


def obligations_deliver(*, obligation_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Deliver a batch the sweep handed out: claim every row that is ours
    to take in one short transaction, skipping rows another worker holds,
    then try them (:func:`_try_all`). Returns the rows delivered here.

    Stops trying once ``OUTBOX_BATCH_SECONDS`` are spent (a hanging
    receiver in the batch), so the task ends inside its time limit; the
    claimed rows it did not try are released and due again at once.
    """
    stop_at = time.monotonic() + settings.OUTBOX_BATCH_SECONDS
    untried = _claim(obligation_ids=obligation_ids, now=now or timezone.now(), skip_locked=True)
    statuses: list[str | None] = []
    try:
        statuses = _try_all(untried, now=now, stop_at=stop_at)
    finally:
        _release(obligations=untried, now=now or timezone.now())
    return statuses.count(Obligation.Status.DELIVERED)


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
