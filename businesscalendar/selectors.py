import datetime

from .models import CalendarOverride


def year_has_overrides(*, year: int) -> bool:
    return CalendarOverride.objects.filter(date__year=year).exists()


def coming_year_without_schedule(*, today: datetime.date) -> int | None:
    """The coming year if staff have entered no overrides for it yet, else None.

    The State Council publishes next year's holidays and make-up working days
    late in the year; until staff enter them, deadlines in that year follow
    the library's rule-based holidays and plain weekends.
    """
    year = today.year + 1
    return None if year_has_overrides(year=year) else year
