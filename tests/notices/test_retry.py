import pytest

from loans.models import ContactPreference
from notices import sms
from notices.models import NoticeDelivery
from notices.selectors import notice_failed_delivery_ids
from notices.services import borrower_notify, notice_delivery_retry
from outbox.models import Obligation
from outbox.services import obligation_deliver
from tests.factories import ContactPreferenceFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_delivery(monkeypatch):
    def send(self, **kwargs):
        raise sms.SMSError("number unknown", transient=False)

    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.SMS).borrower
    notice = borrower_notify(borrower=borrower, event="complaint.acknowledged", key="k", context={}, now=at(1, 10))
    delivery = notice.deliveries.get(channel=NoticeDelivery.Channel.SMS)
    with monkeypatch.context() as patch:
        patch.setattr(sms.MemoryBackend, "send", send)
        obligation_deliver(obligation_id=Obligation.objects.get(key=delivery.obligation_key).pk, now=at(1, 10, 1))
    delivery.refresh_from_db()
    return delivery


def test_failed_delivery_ids_lists_only_failed_channels(failed_delivery):
    notices = type(failed_delivery.notice).objects.filter(pk=failed_delivery.notice_id)
    assert notice_failed_delivery_ids(notices=notices) == [failed_delivery.pk]


def test_retry_queues_the_delivery_and_its_obligation_after_commit(failed_delivery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = notice_delivery_retry(delivery_ids=[failed_delivery.pk], now=at(1, 11))
    failed_delivery.refresh_from_db()
    obligation = Obligation.objects.get(key=failed_delivery.obligation_key)
    assert (queued, failed_delivery.status) == (1, NoticeDelivery.Status.QUEUED)
    assert (obligation.status, obligation.next_attempt_at) == (Obligation.Status.PENDING, at(1, 11))


def test_retry_sends_the_delivery_again(failed_delivery, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice_delivery_retry(delivery_ids=[failed_delivery.pk], now=at(1, 11))
    obligation_deliver(obligation_id=Obligation.objects.get(key=failed_delivery.obligation_key).pk, now=at(1, 11))
    failed_delivery.refresh_from_db()
    assert (failed_delivery.status, len(sms_outbox)) == (NoticeDelivery.Status.SENT, 1)


def test_retry_leaves_a_delivery_that_is_no_longer_failed(failed_delivery, django_capture_on_commit_callbacks):
    NoticeDelivery.objects.filter(pk=failed_delivery.pk).update(status=NoticeDelivery.Status.SENT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = notice_delivery_retry(delivery_ids=[failed_delivery.pk], now=at(1, 11))
    assert (queued, callbacks) == (0, [])
