import smtplib

import pytest

from loans.models import ContactPreference
from notices import sms
from notices.models import NoticeAttempt, NoticeDelivery
from notices.services import borrower_notify, deliveries_release_due
from outbox.models import Obligation
from outbox.services import MAX_ATTEMPTS, obligation_deliver
from outbox.tasks import deliver_obligation_task, deliver_obligations_task
from tests.factories import BorrowerFactory, ContactPreferenceFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def _notice(channel, now=None):
    borrower = ContactPreferenceFactory(preferred_channel=channel).borrower
    return borrower_notify(
        borrower=borrower,
        event="complaint.acknowledged",
        key=f"k-{borrower.pk}",
        context={"reference": "TS-1", "deadline": "x", "date": at(1, 9)},
        now=now or at(1, 10),
    )


def _obligation(notice, channel):
    delivery = notice.deliveries.get(channel=channel)
    return Obligation.objects.get(key=delivery.obligation_key), delivery


@pytest.fixture
def failing_sms(monkeypatch):
    calls = []

    def send(self, *, to, text, idempotency_key=None):
        calls.append(to)
        raise sms.SMSError("provider timeout")

    monkeypatch.setattr(sms.MemoryBackend, "send", send)
    return calls


@pytest.fixture
def failing_smtp(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    state = {"error": smtplib.SMTPServerDisconnected("gone")}

    def send_messages(self, messages):
        raise state["error"]

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


def test_sms_success_records_the_provider_message_id(sms_outbox):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    attempt = NoticeAttempt.objects.get(delivery=delivery)
    assert (delivery.status, delivery.message_id) == (NoticeDelivery.Status.SENT, sms_outbox[0].message_id)
    assert (attempt.outcome, attempt.message_id) == (NoticeAttempt.Outcome.SENT, sms_outbox[0].message_id)


def test_sms_transient_failure_is_recorded_and_retried_with_backoff(failing_sms):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    obligation.refresh_from_db()
    delivery.refresh_from_db()
    assert (obligation.status, obligation.next_attempt_at > at(1, 10, 1)) == (Obligation.Status.PENDING, True)
    assert delivery.status == NoticeDelivery.Status.QUEUED
    assert NoticeAttempt.objects.get(delivery=delivery).error == "provider timeout"


def test_sms_that_keeps_failing_surfaces_to_staff(failing_sms):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    for _ in range(MAX_ATTEMPTS):
        obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    outcomes = list(NoticeAttempt.objects.filter(delivery=delivery).values_list("outcome", flat=True))
    assert delivery.status == NoticeDelivery.Status.FAILED
    assert outcomes == ["failed"] * (MAX_ATTEMPTS - 1) + ["gave_up"]


def test_sms_permanent_failure_gives_up_at_once(monkeypatch):
    def send(self, **kwargs):
        raise sms.SMSError("number does not exist", transient=False)

    monkeypatch.setattr(sms.MemoryBackend, "send", send)
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    obligation.refresh_from_db()
    delivery.refresh_from_db()
    assert (obligation.status, delivery.status) == (Obligation.Status.FAILED, NoticeDelivery.Status.FAILED)


def test_sms_retry_succeeds_after_a_failure(monkeypatch, sms_outbox):
    real_send = sms.MemoryBackend.send
    calls = []

    def flaky(self, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise sms.SMSError("timeout")
        return real_send(self, **kwargs)

    monkeypatch.setattr(sms.MemoryBackend, "send", flaky)
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 2))
    delivery.refresh_from_db()
    assert (delivery.status, len(sms_outbox)) == (NoticeDelivery.Status.SENT, 1)


def test_email_success_records_the_message_id(mailoutbox):
    notice = _notice(ContactPreference.Channel.EMAIL)
    obligation, delivery = _obligation(notice, "email")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    assert delivery.status == NoticeDelivery.Status.SENT
    assert mailoutbox[0].extra_headers["Message-ID"] == delivery.message_id
    assert mailoutbox[0].to == [notice.borrower.email]


def test_email_server_failure_is_retried(failing_smtp):
    notice = _notice(ContactPreference.Channel.EMAIL)
    obligation, delivery = _obligation(notice, "email")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    obligation.refresh_from_db()
    delivery.refresh_from_db()
    assert (obligation.status, delivery.status) == (Obligation.Status.PENDING, NoticeDelivery.Status.QUEUED)
    assert "SMTPServerDisconnected" in delivery.last_error


def test_email_refused_recipient_gives_up(failing_smtp):
    failing_smtp["error"] = smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"no such user")})
    notice = _notice(ContactPreference.Channel.EMAIL)
    obligation, delivery = _obligation(notice, "email")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    assert delivery.status == NoticeDelivery.Status.FAILED


def test_delivery_task_run_twice_sends_one_message(sms_outbox):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, _delivery = _obligation(notice, "sms")
    deliver_obligation_task.apply(args=[obligation.pk])
    deliver_obligation_task.apply(args=[obligation.pk])
    assert len(sms_outbox) == 1


def test_requeued_delivery_passes_a_stable_idempotency_key_to_the_provider(sms_outbox, handler_clock):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    handler_clock(at(1, 22))
    obligation_deliver(obligation_id=obligation.pk)  # deferred by quiet hours
    handler_clock(at(2, 8, 1))
    deliveries_release_due(now=at(2, 8))
    delivery.refresh_from_db()
    again = Obligation.objects.get(key=delivery.obligation_key)
    obligation_deliver(obligation_id=again.pk)
    assert [m.idempotency_key for m in sms_outbox] == [f"notice-delivery-{delivery.pk}"]


def test_delivery_due_in_quiet_hours_waits_for_morning_instead_of_sending(sms_outbox, handler_clock):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    handler_clock(at(1, 21, 30))
    obligation_deliver(obligation_id=obligation.pk)
    delivery.refresh_from_db()
    assert (sms_outbox, delivery.status, delivery.not_before) == ([], NoticeDelivery.Status.WAITING, at(2, 8))
    assert NoticeAttempt.objects.get(delivery=delivery).outcome == NoticeAttempt.Outcome.DEFERRED


def test_stale_obligation_of_a_requeued_delivery_sends_nothing(sms_outbox, handler_clock):
    notice = _notice(ContactPreference.Channel.SMS)
    obligation, delivery = _obligation(notice, "sms")
    handler_clock(at(1, 22))
    obligation_deliver(obligation_id=obligation.pk)
    deliveries_release_due(now=at(2, 8))
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.PENDING)
    handler_clock(at(2, 8, 1))
    obligation_deliver(obligation_id=obligation.pk)
    assert sms_outbox == []


def test_borrower_without_phone_fails_sms_permanently():
    borrower = BorrowerFactory(email="")
    notice = borrower_notify(
        borrower=borrower, event="complaint.acknowledged", key="k", context={}, now=at(1, 10), mandatory=True
    )
    type(borrower).objects.filter(pk=borrower.pk).update(phone="")
    obligation, delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (
        NoticeDelivery.Status.FAILED,
        "The borrower has no mobile number.",
    )


def test_broker_down_loses_nothing_the_sweep_sends_it(monkeypatch, sms_outbox, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(deliver_obligation_task, "apply_async", broker_down)
    monkeypatch.setattr(deliver_obligations_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notice = _notice(ContactPreference.Channel.SMS)
    assert sms_outbox == []
    from outbox.services import outbox_sweep

    outbox_sweep(now=at(1, 11))
    assert [m.to for m in sms_outbox] == [notice.borrower.phone]


def test_dispatch_task_run_twice_issues_and_sends_once(sms_outbox, monkeypatch):
    from django.utils import timezone

    from notices import tasks
    from notices.measures import measure_notices_sync
    from notices.models import Notice
    from outbox.services import outbox_deliver_due
    from tests.factories import ScheduledMeasureFactory

    monkeypatch.setattr(timezone, "now", lambda: at(7, 13))
    measure = ScheduledMeasureFactory(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    tasks.dispatch_due_task.apply()
    tasks.dispatch_due_task.apply()
    outbox_deliver_due(now=at(7, 14))
    outbox_deliver_due(now=at(7, 14))
    assert Notice.objects.filter(measure=measure, status=Notice.Status.ISSUED).count() == 1
    assert len(sms_outbox) == 1


def test_sms_to_a_number_abroad_is_in_english(sms_outbox):
    borrower = BorrowerFactory(phone="+85291234567")
    notice = borrower_notify(
        borrower=borrower, event="complaint.acknowledged", key="hk", context={"reference": "TS-9"}, now=at(1, 10)
    )
    obligation, _delivery = _obligation(notice, "sms")
    obligation_deliver(obligation_id=obligation.pk, now=at(1, 10, 1))
    assert sms_outbox[0].text == notice.sms_en
