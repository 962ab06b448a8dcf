"""Business-time arithmetic on a calendar built without the database."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from businesscalendar.business_time import BusinessCalendar, CalendarError
from businesscalendar.china import library_has_official_schedule, library_year

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def calendar(overrides=None, opens=datetime.time(9), closes=datetime.time(18)):
    return BusinessCalendar(opens_at=opens, closes_at=closes, overrides=overrides)


def test_add_within_one_working_day():
    assert calendar().add(at(2026, 11, 24, 10), 2 * HOUR) == at(2026, 11, 24, 12)


def test_add_skips_the_weekend():
    # Friday 17:00 + 2 business hours: one hour on Friday, one on Monday.
    assert calendar().add(at(2026, 11, 27, 17), 2 * HOUR) == at(2026, 11, 30, 10)


def test_add_that_uses_up_the_day_exactly_ends_at_closing_time():
    assert calendar().add(at(2026, 11, 24, 9), 9 * HOUR) == at(2026, 11, 24, 18)


def test_add_skips_the_national_day_golden_week():
    # Wednesday 30 September 2026, then 1–7 October off; Thursday 8 October works.
    assert calendar().add(at(2026, 9, 30, 17), 2 * HOUR) == at(2026, 10, 8, 10)


def test_library_knows_2026_make_up_working_days():
    assert library_has_official_schedule(2026)
    assert datetime.date(2026, 10, 10) in library_year(2026).weekend_workdays
    assert datetime.date(2026, 9, 20) in library_year(2026).weekend_workdays


def test_add_counts_a_saturday_make_up_working_day():
    # Saturday 10 October 2026 is worked in exchange for the golden week.
    assert calendar().add(at(2026, 10, 9, 17), 2 * HOUR) == at(2026, 10, 10, 10)


def test_add_counts_a_sunday_make_up_working_day_but_not_the_saturday_before():
    # Sunday 20 September 2026 is a working day; Saturday 19 September is not.
    assert calendar().add(at(2026, 9, 18, 17), 2 * HOUR) == at(2026, 9, 20, 10)


def test_add_from_after_closing_starts_next_morning():
    assert calendar().add(at(2026, 11, 24, 20), HOUR) == at(2026, 11, 25, 10)


def test_add_from_before_opening_starts_at_opening():
    assert calendar().add(at(2026, 11, 24, 7), HOUR) == at(2026, 11, 24, 10)


def test_add_from_a_public_holiday_starts_on_the_next_working_day():
    assert calendar().add(at(2026, 10, 3, 12), HOUR) == at(2026, 10, 8, 10)


def test_add_from_a_weekend_starts_on_monday():
    assert calendar().add(at(2026, 11, 28, 12), HOUR) == at(2026, 11, 30, 10)


def test_add_accepts_a_start_in_another_time_zone():
    start = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
    assert calendar().add(start, HOUR) == at(2026, 11, 24, 11)


def test_add_of_zero_returns_the_start():
    start = at(2026, 11, 28, 12)
    assert calendar().add(start, datetime.timedelta(0)) == start


def test_add_refuses_a_negative_delta():
    with pytest.raises(ValueError):
        calendar().add(at(2026, 11, 24, 10), -HOUR)


def test_add_refuses_a_naive_start():
    with pytest.raises(ValueError):
        calendar().add(datetime.datetime(2026, 11, 24, 10), HOUR)


def test_override_turns_a_working_day_off():
    off_monday = calendar({datetime.date(2026, 11, 30): False})
    assert off_monday.add(at(2026, 11, 27, 17), 2 * HOUR) == at(2026, 12, 1, 10)


def test_override_turns_a_weekend_day_on():
    working_saturday = calendar({datetime.date(2026, 11, 28): True})
    assert working_saturday.add(at(2026, 11, 27, 17), 2 * HOUR) == at(2026, 11, 28, 10)


def test_override_wins_over_a_library_make_up_day():
    cancelled = calendar({datetime.date(2026, 10, 10): False})
    assert cancelled.add(at(2026, 10, 9, 17), 2 * HOUR) == at(2026, 10, 12, 10)


def test_2027_deadline_is_computed_from_the_fixed_holidays():
    # The library does not know 2027's make-up days; it still knows Spring
    # Festival (5–10 February 2027 off), so a deadline falls after it.
    assert not library_has_official_schedule(2027)
    assert calendar().add(at(2027, 2, 4, 17), 2 * HOUR) == at(2027, 2, 11, 10)


def test_december_deadline_runs_into_2027():
    # Tuesday 29 December 2026 + 5 business days; 1 January 2027 is a holiday.
    assert calendar().add_business_days(at(2026, 12, 29, 10), 5) == at(2027, 1, 6, 10)


def test_2027_weekends_are_days_off_until_staff_enter_the_schedule():
    assert not calendar().is_working_day(datetime.date(2027, 2, 20))
    assert calendar({datetime.date(2027, 2, 20): True}).is_working_day(datetime.date(2027, 2, 20))


def test_one_business_day_is_one_working_day_of_hours():
    assert calendar().working_day_length == 9 * HOUR
    assert calendar().add_business_days(at(2026, 11, 24, 15), 1) == at(2026, 11, 25, 15)


def test_business_day_from_a_saturday_ends_at_monday_closing():
    assert calendar().add_business_days(at(2026, 11, 28, 11), 1) == at(2026, 11, 30, 18)


def test_working_hours_are_configurable():
    short_day = calendar(opens=datetime.time(10), closes=datetime.time(16))
    assert short_day.add_business_days(at(2026, 11, 24, 10), 1) == at(2026, 11, 24, 16)
    assert short_day.add(at(2026, 11, 24, 15), 2 * HOUR) == at(2026, 11, 25, 11)


def test_between_counts_only_working_hours():
    # Friday 17:00 to Monday 10:00: one hour each side of the weekend.
    assert calendar().between(at(2026, 11, 27, 17), at(2026, 11, 30, 10)) == 2 * HOUR


def test_between_is_zero_over_a_holiday():
    assert calendar().between(at(2026, 10, 1, 0), at(2026, 10, 7, 23)) == datetime.timedelta(0)


def test_between_is_negative_when_end_is_before_start():
    assert calendar().between(at(2026, 11, 30, 10), at(2026, 11, 27, 17)) == -2 * HOUR


@pytest.mark.parametrize(
    "start",
    [at(2026, 11, 24, 10, 30), at(2026, 11, 27, 17, 45), at(2026, 9, 30, 20), at(2026, 10, 3, 8), at(2026, 12, 31, 12)],
)
@pytest.mark.parametrize("hours", [0.5, 2, 9, 13, 40, 200])
def test_between_is_the_inverse_of_add(start, hours):
    delta = datetime.timedelta(hours=hours)
    assert calendar().between(start, calendar().add(start, delta)) == delta


def test_is_working_time():
    cal = calendar()
    assert cal.is_working_time(at(2026, 11, 24, 9))
    assert not cal.is_working_time(at(2026, 11, 24, 18))
    assert not cal.is_working_time(at(2026, 10, 2, 11))


def test_calendar_without_any_working_day_raises_instead_of_looping():
    start = datetime.date(2026, 11, 24)
    all_off = calendar({start + datetime.timedelta(days=n): False for n in range(400)})
    with pytest.raises(CalendarError):
        all_off.add(at(2026, 11, 24, 10), HOUR)


def test_calendar_refuses_working_hours_that_end_before_they_start():
    with pytest.raises(ValueError):
        calendar(opens=datetime.time(18), closes=datetime.time(9))


def test_library_names_holidays_in_the_admin_language():
    from businesscalendar.china import library_holiday_name

    assert library_holiday_name(datetime.date(2026, 10, 1), language="zh-hans") == "国庆节"
    assert library_holiday_name(datetime.date(2026, 10, 1), language="en") == "National Day"
    assert library_holiday_name(datetime.date(2026, 11, 24), language="en") == ""
