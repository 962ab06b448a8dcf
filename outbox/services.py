import datetime
import logging

from django.db import transaction
from django.utils import timezone

from portal.redis_breaker import breaker_for

from .handlers import PermanentError, TransientError, handler_for
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


def obligation_create(*, key: str, kind: str, payload: dict, now: datetime.datetime | None = None) -> Obligation:
    """Record an obligation inside the caller's transaction; publish its
    delivery task once that transaction commits.

    Creating the same key twice returns the first row and publishes nothing.
    """
    now = now or timezone.now()
    obligation, created = Obligation.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "payload": payload, "created_at": now, "next_attempt_at": now + SWEEP_GRACE},
    )
    if created:
        transaction.on_commit(lambda: obligation_publish(obligation_id=obligation.pk))
    return obligation


def obligation_publish(*, obligation_id: int) -> bool:
    """Ask a worker to deliver now. Never raises: a broker that is down or
    hung only delays delivery until the sweep.

    While the broker's Redis has just failed (for the cache or a publish in
    this process), the row is left to the sweep at once: each try at a frozen
    Redis waits out the socket timeouts, and it is a borrower who waits.
    """
    from .tasks import deliver_obligation_task

    breaker = breaker_for(deliver_obligation_task.app.conf.broker_url or "")
    if not breaker.allows():
        logger.info("Broker recently failed; obligation %s is left to the sweep.", obligation_id)
        return False
    try:
        deliver_obligation_task.apply_async(args=[obligation_id])
    except Exception as error:  # noqa: BLE001 - any broker failure leaves the row for the sweep
        breaker.trip(error)
        logger.warning("Could not publish obligation %s; the sweep will deliver it.", obligation_id, exc_info=True)
        return False
    return True


def obligation_deliver(*, obligation_id: int, now: datetime.datetime | None = None) -> Obligation | None:
    """Deliver one obligation if it is still pending. Safe to call twice."""
    with transaction.atomic():
        obligation = Obligation.objects.select_for_update().filter(pk=obligation_id).first()
        if obligation is None or obligation.status != Obligation.Status.PENDING:
            return obligation
        now = now or timezone.now()
        obligation.attempts += 1
        try:
            result = handler_for(obligation.kind)(obligation)
        except TransientError as error:
            if obligation.attempts >= MAX_ATTEMPTS:
                obligation.status = Obligation.Status.FAILED
            obligation.next_attempt_at = now + backoff(obligation.attempts)
            obligation.last_error = str(error)[:2000]
            logger.warning("Obligation %s failed (attempt %s): %s", obligation.key, obligation.attempts, error)
        except PermanentError as error:
            obligation.status = Obligation.Status.FAILED
            obligation.last_error = str(error)[:2000]
            logger.error("Obligation %s failed permanently: %s", obligation.key, error)
        else:
            obligation.status = Obligation.Status.DELIVERED
            obligation.delivered_at = now
            obligation.result = (result or "")[:200]
            obligation.last_error = ""
        obligation.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "result", "delivered_at"])
        return obligation


def obligation_retry(*, obligation_id: int, now: datetime.datetime | None = None) -> None:
    """Staff send a failed obligation again."""
    now = now or timezone.now()
    Obligation.objects.filter(pk=obligation_id, status=Obligation.Status.FAILED).update(
        status=Obligation.Status.PENDING, attempts=0, next_attempt_at=now, last_error=""
    )
    obligation_publish(obligation_id=obligation_id)


def outbox_sweep(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Deliver what is due and pending. Reads ``now`` once; harmless to re-run.

    Rows are delivered here, in the beat-triggered task, rather than published
    again: if the broker lost the first task, it may be down still.
    """
    now = now or timezone.now()
    delivered = 0
    last_id = 0
    while True:
        ids = list(
            Obligation.objects.filter(status=Obligation.Status.PENDING, next_attempt_at__lte=now, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return delivered
        for obligation_id in ids:
            obligation = obligation_deliver(obligation_id=obligation_id, now=now)
            if obligation is not None and obligation.status == Obligation.Status.DELIVERED:
                delivered += 1
        last_id = ids[-1]
