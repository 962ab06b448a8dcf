"""Sending one delivery on its channel, and keeping proof of every try.

Called by the outbox handler with the obligation row locked; the delivery row
is locked too and acted on only while queued for this generation, so a task
delivered twice sends one message. The backend also gets a stable idempotency
key, so a provider that saw the first send does not repeat it even if our
commit was lost after it.
"""

import datetime
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from common.bulkupdate import rows_update
from outbox.handlers import PermanentError, TransientError
from outbox.services import MAX_ATTEMPTS

from . import sms, timing
from .models import Notice, NoticeAttempt, NoticeDelivery

Channel = NoticeDelivery.Channel


class ChannelError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def sms_text(notice: Notice) -> str:
    """Chinese for mainland numbers (the borrower base, and the portal's
    default language); English for numbers abroad, which Chinese text may not
    even reach intact."""
    mainland = notice.borrower.phone.startswith("+86")
    first, second = (notice.sms_zh, notice.sms_en) if mainland else (notice.sms_en, notice.sms_zh)
    return first or second


def _send_sms(notice: Notice, idempotency_key: str) -> str:
    to = notice.borrower.phone
    if not to:
        raise ChannelError("The borrower has no mobile number.", transient=False)
    try:
        return sms.send_sms(to=to, text=sms_text(notice), idempotency_key=idempotency_key)
    except sms.SMSError as error:
        raise ChannelError(str(error), transient=error.transient) from error


def _send_email(notice: Notice, idempotency_key: str) -> str:
    to = notice.borrower.email
    if not to:
        raise ChannelError("The borrower has no e-mail address.", transient=False)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or None
    message_id = make_msgid(idstring=idempotency_key.replace(":", "."), domain=domain)
    subject = notice.title_zh if notice.title_zh == notice.title_en else f"{notice.title_zh} / {notice.title_en}"
    body = f"{notice.body_zh}\n\n——\n\n{notice.body_en}\n"
    message = EmailMessage(
        subject=subject.replace("\n", " "),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise ChannelError(f"Recipient refused: {error}", transient=False) from error
    except (smtplib.SMTPException, OSError) as error:
        raise ChannelError(f"{type(error).__name__}: {error}", transient=True) from error
    return message_id


SENDERS = {Channel.SMS: _send_sms, Channel.EMAIL: _send_email}


def delivery_send(*, delivery_id: int, generation: int, attempt: int, now: datetime.datetime) -> str:
    """Send one queued delivery: :func:`deliveries_send` with one. Returns
    the provider's message id, or a word saying why nothing was sent;
    raises TransientError / PermanentError for the outbox to retry or give
    up."""
    (outcome,) = deliveries_send(items=[(delivery_id, generation, attempt)], now=now)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def deliveries_send(*, items: list[tuple[int, int, int]], now: datetime.datetime) -> list:
    """Send queued deliveries, each ``(delivery id, generation, attempt)``
    with ``attempt`` the outbox's attempt number (1 on the first try).
    Returns, in order, each one's message id or word (as
    :func:`delivery_send`), or the TransientError / PermanentError it
    failed with.

    One transaction: the deliveries are locked and read in one statement,
    their changes written in one statement per set of columns changed, and
    the proof of every try in one insert. One delivery's failure is its own.
    """
    with transaction.atomic():
        deliveries = (
            NoticeDelivery.objects.select_for_update(of=("self",))
            .select_related("notice__borrower")
            .in_bulk([delivery_id for delivery_id, _generation, _attempt in items])
        )
        quiet = timing.quiet_hours()
        attempts: list[NoticeAttempt] = []
        changed: dict[tuple[str, ...], list[NoticeDelivery]] = {}
        outcomes = []
        for delivery_id, generation, attempt in items:
            outcome, fields = _send_one(
                deliveries.get(delivery_id), generation=generation, attempt=attempt, quiet=quiet, now=now
            )
            outcomes.append(outcome)
            if fields:
                delivery = deliveries[delivery_id]
                changed.setdefault(fields, []).append(delivery)
                attempts.append(delivery.attempt_made)
        for fields, rows in changed.items():
            rows_update(rows, fields)
        NoticeAttempt.objects.bulk_create(attempts)
    return outcomes


def _send_one(delivery, *, generation: int, attempt: int, quiet, now: datetime.datetime):
    """Send one locked delivery; returns its outcome and the columns it
    changed, leaving the attempt to record on it (``attempt_made``)."""
    # FAILED too: staff sent a failed obligation again from the outbox admin.
    sendable = (NoticeDelivery.Status.QUEUED, NoticeDelivery.Status.FAILED)
    if delivery is None or delivery.status not in sendable or delivery.generation != generation:
        return "skipped", ()
    notice = delivery.notice
    tried = {"notice": notice, "delivery": delivery, "channel": delivery.channel, "at": now}
    if quiet.contains(now):
        # A retry (or a late worker) landed in quiet hours: wait for the
        # morning under a new generation, so this obligation is finished.
        delivery.status = NoticeDelivery.Status.WAITING
        delivery.not_before = quiet.next_end(now)
        delivery.generation += 1
        delivery.attempt_made = NoticeAttempt(**tried, outcome=NoticeAttempt.Outcome.DEFERRED)
        return "deferred", ("generation", "not_before", "status")
    try:
        message_id = SENDERS[delivery.channel](notice, f"notice-delivery-{delivery.pk}")
    except ChannelError as error:
        gave_up = not error.transient or attempt >= MAX_ATTEMPTS
        delivery.attempt_made = NoticeAttempt(
            **tried,
            outcome=NoticeAttempt.Outcome.GAVE_UP if gave_up else NoticeAttempt.Outcome.FAILED,
            error=str(error)[:2000],
        )
        delivery.last_error = str(error)[:2000]
        if gave_up:
            delivery.status = NoticeDelivery.Status.FAILED
        failure = TransientError(str(error)) if error.transient else PermanentError(str(error))
        return failure, ("last_error", "status")
    delivery.status = NoticeDelivery.Status.SENT
    delivery.sent_at = now
    delivery.message_id = (message_id or "")[:200]
    delivery.last_error = ""
    delivery.attempt_made = NoticeAttempt(**tried, outcome=NoticeAttempt.Outcome.SENT, message_id=delivery.message_id)
    return delivery.message_id, ("last_error", "message_id", "sent_at", "status")
