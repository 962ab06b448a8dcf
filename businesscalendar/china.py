"""What the ``holidays`` package knows about China's working days.

The State Council publishes each year's schedule (holidays and the weekend
days worked in exchange, 调休) late in the previous year. The library carries
the published years in full; for later years it still knows the holidays
fixed by rule (New Year, Spring Festival, Qingming, Labour Day, Dragon Boat,
Mid-Autumn, National Day, with their weekend carry-overs) but not the make-up
working days. That is a usable fallback, so it never raises for such a year:
staff complete the year with overrides once the notice is out.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from holidays.countries.china import ChinaStaticHolidays


@dataclass(frozen=True)
class LibraryYear:
    year: int
    holidays: frozenset[datetime.date]
    weekend_workdays: frozenset[datetime.date]
    official: bool

    def is_working_day(self, day: datetime.date) -> bool:
        if day.weekday() >= 5:
            return day in self.weekend_workdays
        return day not in self.holidays


@functools.cache
def library_year(year: int) -> LibraryYear:
    """The library's view of one year. Static data, so cached per process."""
    calendar = holidays.China(years=year)
    return LibraryYear(
        year=year,
        holidays=frozenset(day for day in calendar if day.year == year),
        # The library's set also carries days of other years; keep this year's.
        weekend_workdays=frozenset(day for day in calendar.weekend_workdays if day.year == year),
        official=library_has_official_schedule(year),
    )


def library_has_official_schedule(year: int) -> bool:
    """Whether the library carries the State Council's notice for the year
    (its substituted days), not only the holidays fixed by rule."""
    return year in getattr(ChinaStaticHolidays, "special_public_holidays", {})


def library_is_working_day(day: datetime.date) -> bool:
    return library_year(day.year).is_working_day(day)


def library_holiday_name(day: datetime.date, *, language: str) -> str:
    """The library's name for a holiday on ``day`` ("" if none), in
    ``language`` (a Django language code: "zh-hans" or "en")."""
    library_language = "en_US" if language.startswith("en") else "zh_CN"
    return _holiday_names(day.year, library_language).get(day, "")


@functools.cache
def _holiday_names(year: int, language: str) -> dict[datetime.date, str]:
    return dict(holidays.China(years=year, language=language).items())
