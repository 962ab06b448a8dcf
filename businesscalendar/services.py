"""Entry point for other apps: ``business_calendar()``.

    from businesscalendar.services import business_calendar

    calendar = business_calendar()
    due_at = calendar.add(received_at, timedelta(hours=2))
    due_at = calendar.add_business_days(received_at, 1)
    elapsed = calendar.between(started_at, now)

Build one per request or per sweep and pass it along; it is not cached across
requests, so an override saved in the admin counts from the next one.
"""

from .business_time import BusinessCalendar, CalendarError
from .models import DEFAULT_CLOSES_AT, DEFAULT_OPENS_AT, CalendarOverride, WorkingHours

__all__ = ["BusinessCalendar", "CalendarError", "business_calendar"]


def business_calendar() -> BusinessCalendar:
    """The calendar as configured now: working hours and every override.

    Two small queries (the working-hours row and all overrides, a few dozen
    rows a year); the holidays library's data is cached per process.
    """
    hours = WorkingHours.objects.filter(pk=WorkingHours.SINGLETON_PK).values_list("opens_at", "closes_at").first()
    opens_at, closes_at = hours or (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT)
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    return BusinessCalendar(opens_at=opens_at, closes_at=closes_at, overrides=overrides)
