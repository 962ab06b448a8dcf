"""Writes for notices: tell a borrower something, mark it read, dispatch what
is due. Measure notices (scheduling, moving, withdrawing, compliance) live in
:mod:`notices.measures` and are re-exported here."""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.deferred import Deferral
from common.requestid import request_id_current
from loans.models import Borrower, LoanAccount
from outbox.models import Obligation
from outbox.services import obligation_retry

from .issuing import DELIVERY_KIND, delivery_queue, notices_issue
from .measures import (
    measure_notices_refresh,
    measure_notices_sweep,
    measure_notices_sync,
    measure_notices_sync_many,
    notices_compliance_sweep,
    notices_issue_due,
)
from .models import Notice, NoticeDelivery, NoticeTemplate
from .stages import stage_notices_sweep
from .timing import quiet_hours

__all__ = [
    "DELIVERY_KIND",
    "borrower_notify",
    "borrowers_notify",
    "deliveries_release_due",
    "dispatch_due",
    "measure_notices_refresh",
    "measure_notices_sweep",
    "measure_notices_sync",
    "measure_notices_sync_many",
    "notice_delivery_retry",
    "notice_mark_read",
    "notices_compliance_sweep",
    "notices_deferred",
    "notices_issue_due",
    "stage_notices_sweep",
]

logger = logging.getLogger(__name__)

ALL_CHANNELS = [NoticeDelivery.Channel.SMS, NoticeDelivery.Channel.EMAIL]


@dataclass(frozen=True)
class NoticeRequest:
    """One notice to tell a borrower now (:func:`borrower_notify`'s
    arguments), with the request id of the work that asked for it."""

    borrower: Borrower
    event: str
    key: str
    context: dict
    account: LoanAccount | None
    complaint_reference: str
    mandatory: bool
    now: datetime.datetime
    request_id: str


_deferred: Deferral[NoticeRequest] = Deferral("notices_deferred", lambda requests: borrowers_notify(requests))


def borrower_notify(
    *,
    borrower: Borrower,
    event: str,
    key: str,
    context: dict,
    account: LoanAccount | None = None,
    complaint=None,
    now: datetime.datetime | None = None,
    mandatory: bool = False,
) -> Notice | None:
    """Tell a borrower something now: an inbox notice, always, plus SMS and
    e-mail on the channels they chose (or one of them anyway when
    ``mandatory``). Call it inside the transaction that makes the change; the
    messages leave through the outbox after commit. SMS and e-mail due in
    quiet hours wait for the morning.

    ``event`` is a :class:`NoticeTemplate` code; ``key`` makes the call
    idempotent (the same key returns the first notice and sends nothing);
    ``context`` fills the template's variables (dates, datetimes and amounts
    are formatted per language; a ``complaint`` gives ``{reference}``).

    Inside :func:`notices_deferred` the notice is only noted, issued with
    the others of the block as it ends, and None is returned.
    """
    complaint_reference = str(getattr(complaint, "reference", "") or "") if complaint is not None else ""
    if account is None and complaint is not None:
        account = getattr(complaint, "account", None)
    request = NoticeRequest(
        borrower=borrower,
        event=event,
        key=key,
        context=context,
        account=account,
        complaint_reference=complaint_reference[:40],
        mandatory=mandatory,
        now=now or timezone.now(),
        request_id=request_id_current(),
    )
    if _deferred.note(request):
        return None
    (notice,) = borrowers_notify([request])
    return notice


def notices_deferred():
    """Notices asked for in the block (:func:`borrower_notify`) are issued
    together as it ends, or forgotten when it raises. Inside another such
    block they join the outer one's. Use it inside the transaction the
    notices belong to."""
    return _deferred.block()


def borrowers_notify(requests: list[NoticeRequest]) -> list[Notice]:
    """Issue the notices of ``requests`` whose key is new (the first of a
    key in the list); returns, in order, each one's notice, the first with
    its key. Their templates and the notices already there are read in one
    statement each, and the new ones issued together (``notices_issue``),
    each on its channels; a key another transaction inserted meanwhile
    gives that notice instead."""
    keys = {request.key for request in requests}
    templates = None
    while True:
        notices = Notice.objects.in_bulk(keys, field_name="key")
        items = []
        for request in requests:
            if request.key in notices:
                continue
            if templates is None:
                templates = NoticeTemplate.objects.in_bulk({request.event for request in requests}, field_name="code")
            if request.event not in templates:
                raise NoticeTemplate.DoesNotExist(f"NoticeTemplate {request.event!r} does not exist.")
            notice = notices[request.key] = Notice(
                key=request.key,
                borrower=request.borrower,
                account=request.account,
                complaint_reference=request.complaint_reference,
                event=request.event,
                purpose=Notice.Purpose.EVENT,
                mandatory=request.mandatory,
                context=request.context,
                send_at=request.now,
                created_at=request.now,
            )
            items.append((request, notice))
        if not items:
            return [notices[request.key] for request in requests]
        try:
            with transaction.atomic():
                for now, batch in _by_time(items):
                    notices_issue(
                        items=[
                            (notice, templates[request.event], request.context, list(ALL_CHANNELS))
                            for request, notice in batch
                        ],
                        now=now,
                        request_ids=[request.request_id for request, _notice in batch],
                    )
        except IntegrityError:
            # A key inserted by another transaction since it was read: read again.
            if not Notice.objects.filter(key__in=[notice.key for _request, notice in items]).exists():
                raise
            continue
        return [notices[request.key] for request in requests]


def _by_time(items: list) -> list[tuple[datetime.datetime, list]]:
    """The requests grouped by the time they were made, in order."""
    groups: dict[datetime.datetime, list] = {}
    for request, notice in items:
        groups.setdefault(request.now, []).append((request, notice))
    return list(groups.items())


def notice_mark_read(*, notice: Notice, now: datetime.datetime | None = None) -> bool:
    """Mark an issued notice read. The caller fetched it through a scoped
    selector. Returns whether anything changed."""
    now = now or timezone.now()
    return bool(
        Notice.objects.filter(pk=notice.pk, status=Notice.Status.ISSUED, read_at__isnull=True).update(read_at=now)
    )


def notices_mark_all_read(*, borrower: Borrower, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return Notice.objects.filter(borrower=borrower, status=Notice.Status.ISSUED, read_at__isnull=True).update(
        read_at=now
    )


def deliveries_release_due(*, now: datetime.datetime, batch_size: int = 500) -> int:
    """Queue SMS and e-mail that waited for the end of quiet hours."""
    if quiet_hours().contains(now):
        return 0
    released = 0
    last_id = 0
    while True:
        ids = list(
            NoticeDelivery.objects.filter(status=NoticeDelivery.Status.WAITING, not_before__lte=now, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return released
        with transaction.atomic():
            for delivery in NoticeDelivery.objects.select_for_update().filter(
                pk__in=ids, status=NoticeDelivery.Status.WAITING
            ):
                delivery_queue(delivery=delivery, now=now)
                released += 1
        last_id = ids[-1]


def dispatch_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The beat job: bring measure notices in line with the measures, tell
    borrowers of stage changes, issue notices that are due, release deliveries that waited for the morning and
    judge the deadlines that passed. Reads ``now`` once; harmless to re-run."""
    now = now or timezone.now()
    figures = {
        "synced": measure_notices_sweep(now=now),
        "stages": stage_notices_sweep(now=now),
        "issued": notices_issue_due(now=now),
        "released": deliveries_release_due(now=now),
        "judged": notices_compliance_sweep(now=now),
    }
    if any(figures.values()):
        logger.info("Notice dispatch: %s", figures)
    return figures


def notice_delivery_retry(*, delivery_ids, now: datetime.datetime) -> int:
    """Send failed deliveries again: each goes back to queued and its outbox
    obligation is retried once the change commits. A delivery no longer
    failed (another run got there first) or without an obligation is left
    as it is. Returns how many were queued again."""
    queued = 0
    for delivery_id in delivery_ids:
        with transaction.atomic():
            delivery = (
                NoticeDelivery.objects.select_for_update()
                .filter(pk=delivery_id, status=NoticeDelivery.Status.FAILED)
                .first()
            )
            if delivery is None:
                continue
            obligation = Obligation.objects.filter(key=delivery.obligation_key).first()
            if obligation is None:
                continue
            delivery.status = NoticeDelivery.Status.QUEUED
            delivery.save(update_fields=["status"])
            transaction.on_commit(lambda pk=obligation.pk: obligation_retry(obligation_id=pk, now=now))
            queued += 1
    return queued
