"""Entry point for other apps: ``business_calendar()``.

    from businesscalendar.services import business_calendar

    calendar = business_calendar()
    due_at = calendar.add(received_at, timedelta(hours=2))
    due_at = calendar.add_business_days(received_at, 1)
    elapsed = calendar.between(started_at, now)

Ask for it once per request or per sweep and pass it along. Each process
keeps it between requests (``common.memo``) and builds it again after an
edit in any process, so an override saved in the admin counts from the next
request.
"""

from common.memo import Memo

from .business_time import BusinessCalendar, CalendarError
from .models import DEFAULT_CLOSES_AT, DEFAULT_OPENS_AT, CalendarOverride, WorkingHours

__all__ = ["BusinessCalendar", "CalendarError", "business_calendar"]


def business_calendar() -> BusinessCalendar:
    """The calendar as configured now: working hours and every override.

    Kept per process and built again after any edit of either (``apps.py``
    connects them): every complaint filed and every clock started asks for
    it. The calendar is shared: read only.
    """
    return configured_calendar.get()


def _calendar_build() -> BusinessCalendar:
    """Two small queries (the working-hours row and all overrides, a few
    dozen rows a year); the holidays library's data is cached per process."""
    hours = WorkingHours.objects.filter(pk=WorkingHours.SINGLETON_PK).values_list("opens_at", "closes_at").first()
    opens_at, closes_at = hours or (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT)
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    return BusinessCalendar(opens_at=opens_at, closes_at=closes_at, overrides=overrides)


configured_calendar: Memo[BusinessCalendar] = Memo("businesscalendar.calendar", _calendar_build)
