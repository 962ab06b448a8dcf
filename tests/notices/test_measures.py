import datetime

import pytest

from loans.models import ContactPreference, ScheduledMeasure
from notices.measures import (
    measure_notices_refresh,
    measure_notices_sweep,
    measure_notices_sync,
    notices_compliance_sweep,
    notices_issue_due,
)
from notices.models import MeasureNoticeState, Notice, NoticeDelivery, NoticeRule
from notices.selectors import noncompliant_measures_count, notice_for_measure
from notices.services import deliveries_release_due, dispatch_due
from outbox.services import outbox_deliver_due
from tests.factories import AgencyFactory, ContactPreferenceFactory, ScheduledMeasureFactory

from .conftest import at

pytestmark = pytest.mark.django_db

Kind = ScheduledMeasure.Kind
Compliance = MeasureNoticeState.Compliance


def _measure(kind=Kind.LAWYER_LETTER, planned_for=None, **kwargs):
    return ScheduledMeasureFactory(kind=kind, planned_for=planned_for or at(10, 14), **kwargs)


def _move(measure, planned_for):
    measure.planned_for = planned_for
    measure.save()


def _cancel(measure):
    measure.status = ScheduledMeasure.Status.CANCELLED
    measure.save()


def _notices(measure):
    return list(Notice.objects.filter(measure=measure).order_by("pk"))


def test_sync_schedules_the_advance_notice_at_the_lead_time_less_the_margin():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    (notice,) = _notices(measure)
    assert (notice.status, notice.purpose, notice.send_at) == (Notice.Status.SCHEDULED, "advance", at(7, 13))


def test_sync_records_the_notice_deadline():
    measure = _measure(kind=Kind.LAWSUIT, planned_for=at(20, 10))
    state = measure_notices_sync(measure=measure, now=at(1, 10))
    assert (state.days_before, state.notice_deadline) == (7, at(13, 10))


def test_sync_twice_schedules_one_notice():
    measure = _measure()
    measure_notices_sync(measure=measure, now=at(1, 10))
    measure_notices_sync(measure=measure, now=at(1, 11))
    assert len(_notices(measure)) == 1


def test_reminders_get_no_advance_notice():
    measure = _measure(kind=Kind.REMINDER)
    state = measure_notices_sync(measure=measure, now=at(1, 10))
    assert (_notices(measure), state.compliance) == ([], Compliance.NOT_REQUIRED)


def test_lead_time_comes_from_the_editable_rule():
    NoticeRule.objects.filter(measure_kind=Kind.LAWYER_LETTER).update(days_before=5, margin_hours=0)
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    assert _notices(measure)[0].send_at == at(5, 14)


def test_measure_at_dawn_is_announced_the_evening_before_its_deadline():
    NoticeRule.objects.filter(measure_kind=Kind.HOME_VISIT).update(margin_hours=0)
    measure = _measure(kind=Kind.HOME_VISIT, planned_for=at(10, 7))
    measure_notices_sync(measure=measure, now=at(1, 10))
    assert _notices(measure)[0].send_at == at(7, 20, 59)


def test_measure_created_too_late_is_notified_at_once():
    measure = _measure(planned_for=at(2, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    (notice,) = _notices(measure)
    assert (notice.status, notice.issued_at) == (Notice.Status.ISSUED, at(1, 10))


def test_moving_a_measure_before_its_notice_went_out_reschedules_the_notice():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    _move(measure, at(15, 14))
    measure_notices_sync(measure=measure, now=at(2, 10))
    (notice,) = _notices(measure)
    assert (notice.status, notice.send_at) == (Notice.Status.SCHEDULED, at(12, 13))


def test_moving_a_measure_after_its_notice_went_out_sends_a_date_changed_notice():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _move(measure, at(12, 14))
    measure_notices_sync(measure=measure, now=at(8, 10))
    first, moved = _notices(measure)
    assert (moved.purpose, moved.status, moved.issued_at) == ("moved", Notice.Status.ISSUED, at(8, 10))
    assert "2026年12月10日 14:00" in moved.body_zh and "2026年12月12日 14:00" in moved.body_zh


def test_issuing_the_advance_notice_records_when_the_measure_was_announced():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    measure.refresh_from_db()
    assert measure.announced_at is None
    notices_issue_due(now=at(7, 13))
    measure.refresh_from_db()
    assert measure.announced_at == at(7, 13)


def test_date_changed_notice_records_when_the_new_date_was_announced():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _move(measure, at(12, 14))
    measure_notices_sync(measure=measure, now=at(8, 10))
    measure.refresh_from_db()
    assert measure.announced_at == at(8, 10)


def test_cancellation_notice_leaves_the_announcement_as_it_was():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _cancel(measure)
    measure_notices_sync(measure=measure, now=at(8, 10))
    measure.refresh_from_db()
    assert measure.announced_at == at(7, 13)


def test_cancelling_a_measure_before_its_notice_went_out_withdraws_it_silently():
    measure = _measure()
    measure_notices_sync(measure=measure, now=at(1, 10))
    _cancel(measure)
    state = measure_notices_sync(measure=measure, now=at(2, 10))
    (notice,) = _notices(measure)
    assert (notice.status, state.compliance) == (Notice.Status.WITHDRAWN, Compliance.NOT_REQUIRED)


def test_cancelling_a_measure_after_its_notice_went_out_says_it_will_not_happen():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _cancel(measure)
    measure_notices_sync(measure=measure, now=at(8, 10))
    first, cancelled = _notices(measure)
    assert (cancelled.purpose, cancelled.status) == ("cancelled", Notice.Status.ISSUED)
    assert "取消" in cancelled.title_zh


def test_cancelling_twice_sends_one_cancellation():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _cancel(measure)
    measure_notices_sync(measure=measure, now=at(8, 10))
    measure_notices_sync(measure=measure, now=at(8, 11))
    assert [n.purpose for n in _notices(measure)] == ["advance", "cancelled"]


def test_cancellation_stops_the_original_sms_still_waiting_for_morning():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 22))
    _cancel(measure)
    measure_notices_sync(measure=measure, now=at(7, 23))
    first = _notices(measure)[0]
    sms = first.deliveries.get(channel=NoticeDelivery.Channel.SMS)
    assert sms.status == NoticeDelivery.Status.WITHDRAWN


def test_sweep_schedules_notices_for_measures_nobody_synced():
    measures = [_measure(), _measure(kind=Kind.LAWSUIT, planned_for=at(20, 10))]
    assert measure_notices_sweep(now=at(1, 10)) == 2
    assert all(len(_notices(m)) == 1 for m in measures)


def test_sweep_ignores_measures_already_in_the_past_when_first_seen():
    _measure(planned_for=at(1, 9))
    assert measure_notices_sweep(now=at(1, 10)) == 0


def test_sweep_reschedules_a_measure_moved_without_a_sync():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sweep(now=at(1, 10))
    ScheduledMeasure.objects.filter(pk=measure.pk).update(planned_for=at(15, 14))
    assert measure_notices_sweep(now=at(2, 10)) == 1
    assert _notices(measure)[0].send_at == at(12, 13)


def test_sweep_withdraws_the_notice_of_a_measure_cancelled_without_a_sync():
    measure = _measure()
    measure_notices_sweep(now=at(1, 10))
    ScheduledMeasure.objects.filter(pk=measure.pk).update(status=ScheduledMeasure.Status.CANCELLED)
    measure_notices_sweep(now=at(2, 10))
    assert _notices(measure)[0].status == Notice.Status.WITHDRAWN


def test_sweep_with_nothing_changed_changes_nothing():
    _measure()
    measure_notices_sweep(now=at(1, 10))
    assert measure_notices_sweep(now=at(1, 11)) == 0


def test_sweep_follows_a_changed_lead_time():
    measure = _measure(planned_for=at(20, 14))
    measure_notices_sweep(now=at(1, 10))
    NoticeRule.objects.filter(measure_kind=Kind.LAWYER_LETTER).update(days_before=10)
    measure_notices_sweep(now=at(1, 11))
    assert _notices(measure)[0].send_at == at(10, 13)


def test_issue_due_issues_only_notices_whose_time_has_come():
    early, late = _measure(planned_for=at(5, 14)), _measure(planned_for=at(20, 14))
    measure_notices_sweep(now=at(1, 10))
    assert notices_issue_due(now=at(3, 12)) == 1
    assert (_notices(early)[0].status, _notices(late)[0].status) == (Notice.Status.ISSUED, Notice.Status.SCHEDULED)


def test_issued_measure_notice_names_the_measure_date_agency_and_remedy():
    measure = _measure(planned_for=at(10, 14), performer=AgencyFactory(short_name="Huaxin"))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    notice = _notices(measure)[0]
    assert "10 Dec 2026 14:00" in notice.body_en and "Huaxin" in notice.body_en
    assert measure.how_to_avoid in notice.body_en and "¥1,234.56" in notice.body_en


def test_mandatory_measure_notice_goes_by_sms_to_a_borrower_who_opted_out():
    measure = _measure(kind=Kind.CREDIT_REPORT, planned_for=at(20, 10))
    ContactPreferenceFactory(borrower=measure.account.borrower, preferred_channel=ContactPreference.Channel.CALL)
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(13, 9))
    channels = sorted(_notices(measure)[0].deliveries.values_list("channel", flat=True))
    assert channels == ["inbox", "sms"]


def test_optional_measure_notice_respects_an_opt_out():
    measure = _measure(kind=Kind.HOME_VISIT, planned_for=at(20, 10))
    ContactPreferenceFactory(borrower=measure.account.borrower, preferred_channel=ContactPreference.Channel.CALL)
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(18, 9))
    assert list(_notices(measure)[0].deliveries.values_list("channel", flat=True)) == ["inbox"]


def test_rule_channels_limit_where_a_notice_goes():
    NoticeRule.objects.filter(measure_kind=Kind.LAWYER_LETTER).update(send_email=False)
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    assert sorted(_notices(measure)[0].deliveries.values_list("channel", flat=True)) == ["inbox", "sms"]


# Compliance.


def _deliver_everything(now):
    dispatch_due(now=now)
    outbox_deliver_due(now=now + datetime.timedelta(minutes=1))


def test_notice_delivered_before_the_deadline_is_compliant(handler_clock):
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    handler_clock(at(7, 13, 1))
    _deliver_everything(at(7, 13))
    dispatch_due(now=at(7, 14))
    assert MeasureNoticeState.objects.get(measure=measure).compliance == Compliance.COMPLIANT


def test_measure_created_after_its_deadline_is_flagged_not_compliant_and_still_notified():
    measure = _measure(planned_for=at(2, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    dispatch_due(now=at(1, 10, 1))
    state = MeasureNoticeState.objects.get(measure=measure)
    assert state.compliance == Compliance.NONCOMPLIANT
    assert _notices(measure)[0].status == Notice.Status.ISSUED


def test_notice_whose_sms_failed_until_the_deadline_is_not_compliant(handler_clock, monkeypatch):
    from notices import sms

    def refuse(self, **kwargs):
        raise sms.SMSError("gateway down")

    monkeypatch.setattr(sms.MemoryBackend, "send", refuse)
    NoticeRule.objects.filter(measure_kind=Kind.LAWYER_LETTER).update(send_email=False)
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    handler_clock(at(7, 13, 1))
    _deliver_everything(at(7, 13))
    notices_compliance_sweep(now=at(7, 14))
    state = MeasureNoticeState.objects.get(measure=measure)
    assert (state.compliance, state.compliance_note) == (
        Compliance.NONCOMPLIANT,
        MeasureNoticeState.Reason.NO_EXTERNAL,
    )


def test_inbox_alone_is_in_time_when_the_borrower_chose_no_other_channel():
    measure = _measure(kind=Kind.HOME_VISIT, planned_for=at(10, 14))
    ContactPreferenceFactory(borrower=measure.account.borrower, preferred_channel=ContactPreference.Channel.APP)
    measure_notices_sync(measure=measure, now=at(1, 10))
    dispatch_due(now=at(8, 13))
    dispatch_due(now=at(8, 14))
    assert MeasureNoticeState.objects.get(measure=measure).compliance == Compliance.COMPLIANT


def test_measure_carried_out_before_its_notice_is_flagged_not_compliant():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    measure.status = ScheduledMeasure.Status.DONE
    measure.save()
    state = measure_notices_sync(measure=measure, now=at(2, 10))
    assert state.compliance == Compliance.NONCOMPLIANT
    assert _notices(measure)[0].status == Notice.Status.WITHDRAWN


def test_noncompliant_count_is_per_agency_and_since_a_date():
    agency, other = AgencyFactory(), AgencyFactory()
    for performer, day in [(agency, 2), (agency, 3), (other, 2)]:
        measure = _measure(planned_for=at(day, 14), performer=performer)
        measure_notices_sync(measure=measure, now=at(1, 10))
    _measure(planned_for=at(25, 14), performer=agency)
    dispatch_due(now=at(5, 10))
    assert noncompliant_measures_count(agency, at(1, 0)) == 2
    assert noncompliant_measures_count(agency, at(2, 15)) == 1
    assert noncompliant_measures_count(other, at(1, 0)) == 1


def test_quiet_hours_waiting_sms_is_released_at_eight(sms_outbox, handler_clock):
    measure = _measure(planned_for=at(3, 14))
    measure_notices_sync(measure=measure, now=at(1, 22))
    assert deliveries_release_due(now=at(1, 23)) == 0
    assert deliveries_release_due(now=at(2, 8)) == 2
    handler_clock(at(2, 8, 1))
    outbox_deliver_due(now=at(2, 8, 1))
    assert [m.to for m in sms_outbox] == [measure.account.borrower.phone]


def test_notice_for_measure_is_the_latest_issued_one():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    assert notice_for_measure(measure=measure) is None
    notices_issue_due(now=at(7, 13))
    _move(measure, at(12, 14))
    measure_notices_sync(measure=measure, now=at(8, 10))
    assert notice_for_measure(measure=measure).purpose == "moved"


def test_refresh_after_a_bulk_write_schedules_new_and_moves_changed_measures():
    known = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=known, now=at(1, 10))
    ScheduledMeasure.objects.filter(pk=known.pk).update(planned_for=at(15, 14))
    fresh = _measure(planned_for=at(20, 14))
    assert measure_notices_refresh(measure_ids=[known.pk, fresh.pk], now=at(2, 10)) == 2
    assert _notices(known)[0].send_at == at(12, 13)
    assert _notices(fresh)[0].send_at == at(17, 13)


def test_refresh_issues_a_new_measure_notice_that_is_already_due():
    measure = _measure(planned_for=at(2, 14))
    measure_notices_refresh(measure_ids=[measure.pk], now=at(1, 10))
    assert _notices(measure)[0].status == Notice.Status.ISSUED


def test_measure_planned_again_after_a_cancellation_gets_a_fresh_advance_notice():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    _cancel(measure)
    measure_notices_sync(measure=measure, now=at(8, 10))
    measure.status = ScheduledMeasure.Status.PLANNED
    measure.planned_for = at(20, 14)
    measure.save()
    measure_notices_sync(measure=measure, now=at(9, 10))
    latest = _notices(measure)[-1]
    assert (latest.purpose, latest.status, latest.send_at) == ("advance", Notice.Status.SCHEDULED, at(17, 13))


def test_measure_that_changes_kind_before_its_notice_follows_the_new_rule():
    measure = _measure(kind=Kind.LAWYER_LETTER, planned_for=at(20, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    measure.kind = Kind.LAWSUIT
    measure.save()
    measure_notices_sync(measure=measure, now=at(2, 10))
    (notice,) = _notices(measure)
    assert (notice.send_at, notice.mandatory, notice.event) == (at(13, 13), True, "measure.lawsuit")


def test_issue_due_takes_the_most_overdue_first_up_to_its_limit():
    later, earlier = _measure(planned_for=at(6, 14)), _measure(planned_for=at(5, 14))
    measure_notices_sweep(now=at(1, 10))
    assert notices_issue_due(now=at(10, 10), limit=1) == 1
    assert (_notices(earlier)[0].status, _notices(later)[0].status) == (Notice.Status.ISSUED, Notice.Status.SCHEDULED)


def test_measure_first_seen_already_carried_out_is_history_not_a_breach():
    measure = _measure(planned_for=at(1, 9), status=ScheduledMeasure.Status.DONE)
    state = measure_notices_sync(measure=measure, now=at(1, 10))
    notices_compliance_sweep(now=at(2, 10))
    state.refresh_from_db()
    assert (_notices(measure), state.compliance) == ([], Compliance.NOT_REQUIRED)


def test_disabling_a_rule_keeps_the_sms_of_a_notice_already_issued():
    measure = _measure(planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 22))
    NoticeRule.objects.filter(measure_kind=Kind.LAWYER_LETTER).update(active=False)
    measure_notices_sweep(now=at(7, 23))
    sms = _notices(measure)[0].deliveries.get(channel=NoticeDelivery.Channel.SMS)
    assert sms.status == NoticeDelivery.Status.WAITING


def test_dispatch_task_steps_aside_while_another_run_holds_the_lock():
    from django.core.cache import cache

    from notices import tasks

    _measure()
    cache.add(tasks.LOCK_KEY, "1", timeout=60)
    try:
        assert tasks.dispatch_due_task.apply().get() is None
    finally:
        cache.delete(tasks.LOCK_KEY)
    assert Notice.objects.count() == 0


def test_refresh_treats_a_measure_already_past_when_first_seen_as_history():
    measure = _measure(planned_for=at(1, 9))
    measure_notices_refresh(measure_ids=[measure.pk], now=at(1, 10))
    state = MeasureNoticeState.objects.get(measure=measure)
    assert (_notices(measure), state.compliance) == ([], Compliance.NOT_REQUIRED)
