import pytest
from django.urls import reverse

from loans.models import ContactPreference
from notices import handlers, sms
from notices.models import MeasureNoticeState, Notice, NoticeDelivery, NoticeTemplate
from notices.services import borrower_notify, dispatch_due
from outbox.models import Obligation
from outbox.services import obligation_deliver, outbox_deliver_due
from tests.factories import ContactPreferenceFactory, ScheduledMeasureFactory, UserFactory
from tests.notices.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _daytime_handler(monkeypatch):
    """The outbox handler holds notices back at night; these pages are about
    what was sent, so it runs at 10:00 as in the notices tests."""
    monkeypatch.setattr(handlers, "clock", lambda: at(1, 10))


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def failed_notice():
    def send(self, **kwargs):
        raise sms.SMSError("number unknown", transient=False)

    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.SMS).borrower
    notice = borrower_notify(
        borrower=borrower, event="complaint.acknowledged", key="k", context={"date": at(1, 9)}, now=at(1, 10)
    )
    delivery = notice.deliveries.get(channel="sms")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sms.MemoryBackend, "send", send)
        obligation_deliver(obligation_id=Obligation.objects.get(key=delivery.obligation_key).pk, now=at(1, 10, 1))
    return notice


def test_staff_filter_finds_notices_whose_delivery_failed(staff, failed_notice):
    borrower = ContactPreferenceFactory().borrower
    borrower_notify(borrower=borrower, event="complaint.acknowledged", key="ok", context={}, now=at(1, 10))
    response = staff.get(reverse("admin:notices_notice_changelist") + "?delivery=failed")
    assert list(response.context["cl"].result_list) == [failed_notice]


def test_notice_page_shows_each_attempt(staff, failed_notice):
    body = staff.get(reverse("admin:notices_notice_change", args=[failed_notice.pk])).content.decode()
    assert "number unknown" in body


def test_staff_can_send_a_failed_delivery_again(staff, failed_notice, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("admin:notices_notice_changelist"),
            {"action": "retry_failed", "_selected_action": [failed_notice.pk]},
        )
    delivery = failed_notice.deliveries.get(channel="sms")
    obligation_deliver(obligation_id=Obligation.objects.get(key=delivery.obligation_key).pk, now=at(1, 11))
    delivery.refresh_from_db()
    assert (delivery.status, len(sms_outbox)) == (NoticeDelivery.Status.SENT, 1)


def test_compliance_list_shows_late_measures(staff):
    measure = ScheduledMeasureFactory(planned_for=at(2, 14))
    dispatch_due(now=at(1, 10))
    state = MeasureNoticeState.objects.get(measure=measure)
    response = staff.get(reverse("admin:notices_measurenoticestate_changelist") + "?compliance=noncompliant")
    assert list(response.context["cl"].result_list) == [state]
    assert "No notice reached the inbox before the deadline." in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "notices_noticerule_changelist",
        "notices_stagenoticerule_changelist",
        "notices_noticetemplate_changelist",
        "notices_noticedelivery_changelist",
        "notices_notice_changelist",
        "notices_measurenoticestate_changelist",
    ],
)
def test_admin_lists_open(staff, name):
    assert staff.get(reverse(f"admin:{name}")).status_code == 200


def test_template_change_form_offers_a_preview_without_javascript(staff):
    template = NoticeTemplate.objects.get(code="measure.home_visit")
    body = staff.get(reverse("admin:notices_noticetemplate_change", args=[template.pk])).content.decode()
    assert f'formaction="{reverse("admin:notices_noticetemplate_preview")}"' in body
    assert "{how_to_avoid}" in body


def test_preview_refuses_get(staff):
    assert staff.get(reverse("admin:notices_noticetemplate_preview")).status_code == 403


def test_notices_cannot_be_added_or_deleted_in_admin(staff, failed_notice):
    assert staff.get(reverse("admin:notices_notice_add")).status_code == 403
    staff.post(reverse("admin:notices_notice_delete", args=[failed_notice.pk]), {"post": "yes"})
    assert Notice.objects.filter(pk=failed_notice.pk).exists()


def test_compliance_page_shows_the_proof_of_each_attempt(staff, sms_outbox):
    measure = ScheduledMeasureFactory(planned_for=at(2, 14))
    dispatch_due(now=at(1, 10))
    outbox_deliver_due(now=at(1, 10, 5))
    state = MeasureNoticeState.objects.get(measure=measure)
    body = staff.get(reverse("admin:notices_measurenoticestate_change", args=[state.pk])).content.decode()
    assert sms_outbox[0].message_id in body


def test_proof_export_lists_every_attempt_and_is_recorded(staff, sms_outbox):
    from accesslog.models import DataAccessRecord

    measure = ScheduledMeasureFactory(planned_for=at(2, 14))
    dispatch_due(now=at(1, 10))
    outbox_deliver_due(now=at(1, 10, 5))
    state = MeasureNoticeState.objects.get(measure=measure)
    response = staff.post(
        reverse("admin:notices_measurenoticestate_changelist"),
        {"action": "export_proof", "_selected_action": [state.pk]},
    )
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("measure,account,kind")
    assert any(sms_outbox[0].message_id in line for line in lines)
    assert DataAccessRecord.objects.get(subject="notices: proof of notice").rows == len(lines) - 1
