import datetime

from businesscalendar.hours import DailyWindow
from notices.timing import external_not_before, latest_send_at, notice_deadline, notice_send_at

from .conftest import at

NO_MARGIN = datetime.timedelta(0)


def test_deadline_is_the_lead_time_before_the_measure():
    assert notice_deadline(planned_for=at(10, 14), days_before=3) == at(7, 14)


def test_send_time_in_daytime_is_the_deadline_less_the_margin():
    send_at = notice_send_at(planned_for=at(10, 14), days_before=3, margin=datetime.timedelta(hours=1), now=at(1, 10))
    assert send_at == at(7, 13)


def test_send_time_after_midnight_in_quiet_hours_moves_to_the_evening_before():
    send_at = notice_send_at(planned_for=at(10, 6), days_before=3, margin=NO_MARGIN, now=at(1, 10))
    assert send_at == at(6, 20, 59)


def test_send_time_late_in_the_evening_moves_to_just_before_nine():
    send_at = notice_send_at(planned_for=at(10, 22, 30), days_before=2, margin=NO_MARGIN, now=at(1, 10))
    assert send_at == at(8, 20, 59)


def test_send_time_at_exactly_eight_is_allowed():
    assert notice_send_at(planned_for=at(10, 8), days_before=2, margin=NO_MARGIN, now=at(1, 10)) == at(8, 8)


def test_send_time_at_exactly_nine_pm_moves_earlier():
    assert notice_send_at(planned_for=at(10, 21), days_before=2, margin=NO_MARGIN, now=at(1, 10)) == at(8, 20, 59)


def test_margin_that_lands_in_quiet_hours_moves_earlier_still():
    send_at = notice_send_at(planned_for=at(10, 9), days_before=3, margin=datetime.timedelta(hours=2), now=at(1, 10))
    assert send_at == at(6, 20, 59)


def test_send_time_already_past_means_now():
    assert notice_send_at(planned_for=at(3, 10), days_before=7, margin=NO_MARGIN, now=at(1, 10)) == at(1, 10)


def test_quiet_hours_hold_external_messages_until_eight_the_next_morning():
    assert external_not_before(now=at(1, 22)) == at(2, 8)


def test_quiet_hours_after_midnight_hold_until_eight_the_same_morning():
    assert external_not_before(now=at(2, 3)) == at(2, 8)


def test_daytime_messages_are_not_held():
    assert external_not_before(now=at(1, 15)) == at(1, 15)


def test_platform_quiet_hours_are_their_own_setting(settings):
    settings.PLATFORM_MESSAGE_QUIET_HOURS = ("22:00", "07:00")
    assert external_not_before(now=at(1, 21, 30)) == at(1, 21, 30)
    assert external_not_before(now=at(2, 7, 30)) == at(2, 7, 30)


def test_collection_quiet_hours_do_not_move_platform_messages(settings):
    settings.COLLECTION_QUIET_HOURS = ("20:00", "09:00")
    assert external_not_before(now=at(1, 20, 30)) == at(1, 20, 30)
    assert external_not_before(now=at(1, 21, 30)) == at(2, 8)


def test_send_time_moves_to_just_before_quiet_hours_that_start_at_noon():
    lunch = DailyWindow(start=datetime.time(12, 0), end=datetime.time(13, 30))
    assert latest_send_at(at(1, 12, 15), quiet=lunch) == at(1, 11, 59)
