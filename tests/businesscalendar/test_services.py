import datetime
from zoneinfo import ZoneInfo

import pytest

from businesscalendar.models import CalendarOverride, WorkingHours
from businesscalendar.selectors import coming_year_without_schedule
from businesscalendar.services import business_calendar

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_default_working_hours_are_nine_to_six():
    cal = business_calendar()
    assert (cal.opens_at, cal.closes_at) == (datetime.time(9), datetime.time(18))


def test_business_calendar_uses_the_configured_working_hours():
    WorkingHours.objects.update(opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30))
    assert business_calendar().working_day_length == datetime.timedelta(hours=9)
    assert business_calendar().opens_at == datetime.time(8, 30)


def test_business_calendar_falls_back_to_defaults_without_the_hours_row():
    WorkingHours.objects.all().delete()
    assert business_calendar().closes_at == datetime.time(18)


def test_business_calendar_applies_overrides_from_the_database():
    CalendarOverride.objects.create(date=datetime.date(2026, 11, 30), is_working_day=False, note="Typhoon")
    start = datetime.datetime(2026, 11, 27, 17, tzinfo=SHANGHAI)
    due = business_calendar().add(start, datetime.timedelta(hours=2))
    assert due == datetime.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)


def test_business_calendar_loads_everything_in_two_queries(django_assert_num_queries):
    CalendarOverride.objects.create(date=datetime.date(2027, 2, 20), is_working_day=True, note="Spring Festival")
    CalendarOverride.objects.create(date=datetime.date(2027, 2, 11), is_working_day=False, note="Spring Festival")
    with django_assert_num_queries(2):
        cal = business_calendar()
        cal.add_business_days(datetime.datetime(2027, 2, 4, 10, tzinfo=SHANGHAI), 10)


def test_overrides_are_recorded_in_history():
    override = CalendarOverride.objects.create(date=datetime.date(2027, 2, 20), is_working_day=True, note="Notice")
    override.note = "State Council notice"
    override.save()
    assert override.history.count() == 2


def test_coming_year_without_schedule_names_the_year():
    assert coming_year_without_schedule(today=datetime.date(2026, 12, 1)) == 2027


def test_coming_year_with_an_override_has_a_schedule():
    CalendarOverride.objects.create(date=datetime.date(2027, 2, 20), is_working_day=True, note="Notice")
    assert coming_year_without_schedule(today=datetime.date(2026, 12, 1)) is None


def test_override_saved_after_the_calendar_was_read_counts_from_the_next_call():
    day = datetime.date(2027, 3, 3)
    assert business_calendar().is_working_day(day)
    CalendarOverride.objects.create(date=day, is_working_day=False, note="Closure")
    assert not business_calendar().is_working_day(day)


def test_override_deleted_after_the_calendar_was_read_no_longer_counts():
    day = datetime.date(2027, 3, 3)
    override = CalendarOverride.objects.create(date=day, is_working_day=False, note="Closure")
    assert not business_calendar().is_working_day(day)
    override.delete()
    assert business_calendar().is_working_day(day)


def test_working_hours_saved_after_the_calendar_was_read_count_from_the_next_call():
    business_calendar()
    hours = WorkingHours.objects.get()
    hours.opens_at = datetime.time(8, 30)
    hours.save()
    assert business_calendar().opens_at == datetime.time(8, 30)
