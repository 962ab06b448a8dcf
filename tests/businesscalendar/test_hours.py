import datetime
from zoneinfo import ZoneInfo

from businesscalendar.hours import DailyWindow

CHINA = ZoneInfo("Asia/Shanghai")
NIGHT = DailyWindow.from_setting(("22:00", "08:00"))
LUNCH = DailyWindow.from_setting(("12:00", "13:30"))


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=CHINA)


def test_window_across_midnight_holds_both_evening_and_early_morning():
    assert NIGHT.contains_time(datetime.time(22, 0)) and NIGHT.contains_time(datetime.time(7, 59))
    assert not NIGHT.contains_time(datetime.time(8, 0)) and not NIGHT.contains_time(datetime.time(21, 59))


def test_window_within_one_day_holds_its_start_not_its_end():
    assert LUNCH.contains_time(datetime.time(12, 0)) and not LUNCH.contains_time(datetime.time(13, 30))


def test_equal_start_and_end_is_an_empty_window():
    assert not DailyWindow.from_setting(("00:00", "00:00")).contains(at(1, 23))


def test_window_is_read_in_china_time_whatever_the_input_zone():
    utc_evening = datetime.datetime(2026, 12, 1, 14, 30, tzinfo=datetime.UTC)  # 22:30 in Shanghai
    assert NIGHT.contains(utc_evening)


def test_next_end_is_the_morning_after_an_evening_moment_and_the_same_morning_after_midnight():
    assert NIGHT.next_end(at(1, 23)) == at(2, 8)
    assert NIGHT.next_end(at(2, 3)) == at(2, 8)
    assert NIGHT.next_end(at(2, 15)) == at(2, 15)


def test_current_start_is_the_evening_the_period_began():
    assert NIGHT.current_start(at(2, 3)) == at(1, 22)
    assert NIGHT.current_start(at(1, 23)) == at(1, 22)
    assert LUNCH.current_start(at(1, 12, 15)) == at(1, 12)
