import pytest

from loans.models import ContactPreference
from notices.models import Notice, NoticeDelivery
from notices.services import borrower_notify
from outbox.models import Obligation
from outbox.services import outbox_deliver_due
from tests.factories import BorrowerFactory, ContactPreferenceFactory, LoanAccountFactory

from .conftest import at

pytestmark = pytest.mark.django_db

CONTEXT = {"reference": "TS-2026-000001", "date": at(1, 9), "deadline": at(15, 18).date(), "portal_link": "x"}


def _notify(borrower, key="c1:ack", now=None, event="complaint.acknowledged", **kwargs):
    return borrower_notify(
        borrower=borrower,
        event=event,
        key=key,
        context=kwargs.pop("context", CONTEXT),
        now=now or at(1, 10),
        **kwargs,
    )


def _channels(notice):
    return sorted(notice.deliveries.values_list("channel", flat=True))


def test_notify_puts_a_rendered_notice_in_the_inbox():
    notice = _notify(BorrowerFactory())
    assert notice.status == Notice.Status.ISSUED
    assert "TS-2026-000001" in notice.title_zh and "TS-2026-000001" in notice.title_en
    assert "2026年12月15日" in notice.body_zh and "15 Dec 2026" in notice.body_en


def test_notify_with_no_preference_goes_to_sms_and_email():
    assert _channels(_notify(BorrowerFactory())) == ["email", "inbox", "sms"]


def test_notify_follows_the_preferred_channel():
    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.EMAIL).borrower
    assert _channels(_notify(borrower)) == ["email", "inbox"]


def test_notify_to_borrower_who_prefers_calls_stays_in_the_inbox():
    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.CALL).borrower
    assert _channels(_notify(borrower)) == ["inbox"]


def test_mandatory_notify_reaches_a_channel_besides_the_inbox_despite_the_preference():
    borrower = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.CALL).borrower
    assert _channels(_notify(borrower, mandatory=True)) == ["inbox", "sms"]


def test_notify_skips_email_when_the_borrower_has_no_address():
    assert _channels(_notify(BorrowerFactory(email=""))) == ["inbox", "sms"]


def test_notify_twice_with_one_key_keeps_one_notice_and_one_message(sms_outbox):
    borrower = BorrowerFactory()
    first = _notify(borrower)
    second = _notify(borrower)
    outbox_deliver_due(now=at(1, 10, 5))
    assert first.pk == second.pk
    assert Notice.objects.count() == 1
    assert len(sms_outbox) == 1


def test_notify_publishes_delivery_only_after_commit(sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _notify(BorrowerFactory())
    assert (len(callbacks), sms_outbox) == (2, [])


def test_notify_sms_is_sent_by_the_outbox(sms_outbox):
    borrower = BorrowerFactory()
    _notify(borrower)
    outbox_deliver_due(now=at(1, 10, 5))
    assert [m.to for m in sms_outbox] == [borrower.phone]
    assert sms_outbox[0].text.startswith("【催收服务平台】")


def test_notify_in_quiet_hours_holds_sms_and_email_until_eight():
    notice = _notify(BorrowerFactory(), now=at(1, 23))
    external = notice.deliveries.exclude(channel=NoticeDelivery.Channel.INBOX)
    assert {d.status for d in external} == {NoticeDelivery.Status.WAITING}
    assert {d.not_before for d in external} == {at(2, 8)}
    assert not Obligation.objects.exists()


def test_notify_in_quiet_hours_still_reaches_the_inbox_at_once():
    notice = _notify(BorrowerFactory(), now=at(1, 23))
    inbox = notice.deliveries.get(channel=NoticeDelivery.Channel.INBOX)
    assert (notice.issued_at, inbox.status) == (at(1, 23), NoticeDelivery.Status.SENT)


def test_notify_links_the_complaint_and_its_account():
    account = LoanAccountFactory()

    class Complaint:
        reference = "TS-2026-000042"

    Complaint.account = account
    notice = _notify(account.borrower, complaint=Complaint(), context={"date": at(1, 9)})
    assert (notice.complaint_reference, notice.account) == ("TS-2026-000042", account)
    assert "TS-2026-000042" in notice.title_en


def test_notify_email_carries_both_languages(mailoutbox):
    borrower = BorrowerFactory()
    notice = _notify(borrower)
    outbox_deliver_due(now=at(1, 10, 5))
    assert len(mailoutbox) == 1
    assert notice.body_zh in mailoutbox[0].body and notice.body_en in mailoutbox[0].body


def test_notify_with_unknown_template_is_refused():
    with pytest.raises(Exception, match="does not exist"):
        borrower_notify(borrower=BorrowerFactory(), event="complaint.nope", key="k", context={}, now=at(1, 10))


def test_staff_message_about_a_complaint_carries_its_text_in_both_languages():
    notice = _notify(
        BorrowerFactory(),
        key="c1:message:7",
        event="complaint.message",
        context={**CONTEXT, "reason": "We listened to the call recording."},
    )
    assert "We listened to the call recording." in notice.body_zh
    assert "We listened to the call recording." in notice.body_en
    assert "TS-2026-000001" in notice.title_zh


def _request(borrower, key, *, now=None, account=None, reference="TS-2026-000001", context=CONTEXT):
    from notices.services import NoticeRequest

    return NoticeRequest(
        borrower=borrower,
        event="complaint.acknowledged",
        key=key,
        context={**context, "reference": reference},
        account=account,
        complaint_reference=reference,
        mandatory=False,
        now=now or at(1, 10),
        request_id=f"request-{key}",
    )


def test_notices_issued_together_each_get_their_own_words_and_channels():
    from notices.services import borrowers_notify

    email_only = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.EMAIL).borrower
    calls = ContactPreferenceFactory(preferred_channel=ContactPreference.Channel.CALL).borrower
    anything = BorrowerFactory()
    borrowers = [email_only, calls, anything]
    notices = borrowers_notify(
        [_request(borrower, f"b{index}", reference=f"TS-2026-00000{index}") for index, borrower in enumerate(borrowers)]
    )
    assert [notice.borrower_id for notice in notices] == [borrower.pk for borrower in borrowers]
    assert [Notice.objects.get(key=f"b{index}").pk for index in range(3)] == [notice.pk for notice in notices]
    for index, notice in enumerate(notices):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.ISSUED
        assert f"TS-2026-00000{index}" in notice.title_zh and f"TS-2026-00000{index}" in notice.title_en
    assert [_channels(notice) for notice in notices] == [["email", "inbox"], ["inbox"], ["email", "inbox", "sms"]]
    assert NoticeDelivery.objects.filter(channel="inbox", attempts__outcome="sent").count() == 3


def test_notices_issued_together_put_each_delivery_in_the_outbox_under_its_request_id():
    from notices.services import borrowers_notify

    first, second = borrowers_notify([_request(BorrowerFactory(), "k1"), _request(BorrowerFactory(), "k2")])
    for notice in (first, second):
        rows = Obligation.objects.filter(key__in=[d.obligation_key for d in notice.deliveries.exclude(channel="inbox")])
        assert sorted(rows.values_list("request_id", flat=True)) == [f"request-{notice.key}"] * 2


def test_a_key_twice_or_already_there_gives_the_first_notice_and_issues_nothing_more():
    from notices.services import borrowers_notify

    borrower = BorrowerFactory()
    there = _notify(borrower, key="there")
    notices = borrowers_notify(
        [_request(borrower, "there"), _request(borrower, "new"), _request(BorrowerFactory(), "new")]
    )
    assert notices[0].pk == there.pk
    assert notices[1].pk == notices[2].pk and notices[2].borrower_id == borrower.pk
    assert Notice.objects.count() == 2
    assert NoticeDelivery.objects.count() == 6


def test_notices_asked_for_in_a_deferred_block_are_issued_as_it_ends():
    from notices.services import notices_deferred

    borrower = BorrowerFactory()
    with notices_deferred():
        assert _notify(borrower, key="d1") is None
        _notify(borrower, key="d2")
        assert not Notice.objects.exists()
    assert sorted(Notice.objects.values_list("key", flat=True)) == ["d1", "d2"]


def test_notices_asked_for_in_a_deferred_block_that_raised_are_forgotten():
    from notices.services import notices_deferred

    with pytest.raises(RuntimeError), notices_deferred():
        _notify(BorrowerFactory(), key="lost")
        raise RuntimeError("the change failed")
    assert not Notice.objects.exists()


def test_a_notice_without_an_account_links_to_its_own_page():
    from notices.services import borrowers_notify

    context = {name: value for name, value in CONTEXT.items() if name != "portal_link"}
    (notice,) = borrowers_notify([_request(BorrowerFactory(), "own", context=context)])
    notice.refresh_from_db()
    assert notice.action_url.endswith(f"/{notice.pk}/")
