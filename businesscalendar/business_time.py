"""Business-time arithmetic on China's working days.

Business time runs only inside the working hours of a working day
(09:00–18:00 Asia/Shanghai by default). A working day is decided, in order,
by a staff override for that date, then by the holidays library (public
holidays off, weekend make-up days on), then by the plain weekend rule.

Everything here is pure: no clock, no database. Build a calendar with
``businesscalendar.services.business_calendar()``.
"""

import datetime
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from .china import library_is_working_day

CHINA_TZ = ZoneInfo("Asia/Shanghai")
# A stretch of days off longer than this means the calendar is broken
# (e.g. overrides that switch off a whole year), not a long holiday.
MAX_CONSECUTIVE_DAYS_OFF = 366

ONE_DAY = datetime.timedelta(days=1)


class CalendarError(ValueError):
    """The calendar has no working time left to count in."""


def _require_aware(moment: datetime.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


class BusinessCalendar:
    """Working days and hours, with business-time arithmetic.

    ``overrides`` maps a date to ``True`` (working day) or ``False`` (day off)
    and wins over the library.
    """

    def __init__(
        self,
        *,
        opens_at: datetime.time,
        closes_at: datetime.time,
        overrides: Mapping[datetime.date, bool] | None = None,
        tz: datetime.tzinfo = CHINA_TZ,
    ) -> None:
        if opens_at >= closes_at:
            raise ValueError("opens_at must be before closes_at")
        self.opens_at = opens_at
        self.closes_at = closes_at
        self.overrides = dict(overrides or {})
        self.tz = tz

    def __repr__(self) -> str:
        return f"<BusinessCalendar {self.opens_at:%H:%M}-{self.closes_at:%H:%M}, {len(self.overrides)} overrides>"

    @property
    def working_day_length(self) -> datetime.timedelta:
        """The business time in one working day (9 hours by default)."""
        return datetime.datetime.combine(datetime.date.min, self.closes_at) - datetime.datetime.combine(
            datetime.date.min, self.opens_at
        )

    def is_working_day(self, day: datetime.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        return library_is_working_day(day)

    def is_working_time(self, moment: datetime.datetime) -> bool:
        """Whether ``moment`` falls inside the working hours of a working day."""
        _require_aware(moment, "moment")
        local = moment.astimezone(self.tz)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self._period(local.date())
        return opens <= local < closes

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after ``day``."""
        candidate = day + ONE_DAY
        for _ in range(MAX_CONSECUTIVE_DAYS_OFF):
            if self.is_working_day(candidate):
                return candidate
            candidate += ONE_DAY
        raise CalendarError(f"no working day within {MAX_CONSECUTIVE_DAYS_OFF} days after {day}")

    def add(self, start: datetime.datetime, delta: datetime.timedelta) -> datetime.datetime:
        """The moment ``delta`` of business time after ``start``.

        That is the earliest moment ``t`` with ``between(start, t) == delta``:
        a start outside working hours begins counting at the next working
        period, and a deadline that uses up a working day exactly lands on
        its closing time (18:00), not on the next morning. A zero ``delta``
        returns ``start`` itself. The result is in Asia/Shanghai.
        """
        _require_aware(start, "start")
        if delta < datetime.timedelta(0):
            raise ValueError("delta must not be negative")
        if not delta:
            return start
        remaining = delta
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        days_off = 0
        while True:
            if self.is_working_day(day):
                days_off = 0
                opens, closes = self._period(day)
                if cursor < closes:
                    begin = max(cursor, opens)
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            else:
                days_off += 1
                if days_off > MAX_CONSECUTIVE_DAYS_OFF:
                    raise CalendarError(f"no working day within {MAX_CONSECUTIVE_DAYS_OFF} days after {day}")
            day += ONE_DAY
            cursor = datetime.datetime.combine(day, datetime.time.min, tzinfo=self.tz)

    def add_business_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """``start`` plus ``days`` business days.

        One business day is one full working day's worth of business time
        (``working_day_length``, 9 hours by default), counted like any other
        business time: a complaint received on Tuesday at 15:00 with one
        business day to go is due on Wednesday at 15:00 (or the next working
        day's 15:00 across a weekend or holiday); one received on Saturday is
        due at the close of the next working day, 18:00.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        return self.add(start, self.working_day_length * days)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """The business time from ``start`` to ``end``.

        The inverse of ``add``: ``between(s, add(s, d)) == d``. Negative when
        ``end`` is before ``start`` (``between(now, deadline)`` is then the
        business time a deadline is overdue by, as a negative duration).
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end < start:
            return -self.between(end, start)
        start = start.astimezone(self.tz)
        end = end.astimezone(self.tz)
        total = datetime.timedelta(0)
        day = start.date()
        last = end.date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._period(day)
                low = max(start, opens)
                high = min(end, closes)
                if high > low:
                    total += high - low
            day += ONE_DAY
        return total

    def _period(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        return (
            datetime.datetime.combine(day, self.opens_at, tzinfo=self.tz),
            datetime.datetime.combine(day, self.closes_at, tzinfo=self.tz),
        )
