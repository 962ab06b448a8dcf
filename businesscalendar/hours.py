"""Daily windows of China time, such as quiet hours, and where they are set.

Two quiet hours apply, set side by side in the settings: the collectors'
(``COLLECTION_QUIET_HOURS``, from the national standard) and the platform's
own, stricter one for its SMS and e-mail (``PLATFORM_MESSAGE_QUIET_HOURS``).
Both are read when asked for, so a test or a deployment may change either
without touching the other.

A third window is the other way round: ``STRICTER_CARE_CALL_HOURS`` names
when collectors *may* call a borrower under stricter care (a declared
vulnerability), 09:00–20:00, inside the hours the collectors' quiet hours
leave open. It is its own setting so that the national quiet hours never
loosen it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from .business_time import CHINA_TZ


@dataclass(frozen=True)
class DailyWindow:
    """The times in [start, end) every day, China time.

    ``start`` after ``end`` crosses midnight (22:00–08:00); ``start`` equal to
    ``end`` is an empty window.
    """

    start: datetime.time
    end: datetime.time

    @classmethod
    def from_setting(cls, value: tuple[str, str]) -> "DailyWindow":
        """A window from a pair of "HH:MM" strings, start and end."""
        start, end = (datetime.time.fromisoformat(part) for part in value)
        return cls(start=start, end=end)

    def contains_time(self, moment: datetime.time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def contains(self, when: datetime.datetime) -> bool:
        return self.contains_time(when.astimezone(CHINA_TZ).time())

    def next_end(self, when: datetime.datetime) -> datetime.datetime:
        """The first moment at or after ``when`` outside the window."""
        if not self.contains(when):
            return when
        local = when.astimezone(CHINA_TZ)
        end = datetime.datetime.combine(local.date(), self.end, tzinfo=CHINA_TZ)
        return end if end > local else end + datetime.timedelta(days=1)

    def current_start(self, when: datetime.datetime) -> datetime.datetime:
        """When the period holding ``when`` (which must be inside it) began."""
        local = when.astimezone(CHINA_TZ)
        start = datetime.datetime.combine(local.date(), self.start, tzinfo=CHINA_TZ)
        return start - datetime.timedelta(days=1) if start > local else start


def collection_quiet_hours() -> DailyWindow:
    """When collectors may not contact a borrower (settings ``COLLECTION_QUIET_HOURS``)."""
    return DailyWindow.from_setting(settings.COLLECTION_QUIET_HOURS)


def platform_message_quiet_hours() -> DailyWindow:
    """When the platform sends no SMS or e-mail (settings ``PLATFORM_MESSAGE_QUIET_HOURS``)."""
    return DailyWindow.from_setting(settings.PLATFORM_MESSAGE_QUIET_HOURS)


def stricter_care_call_hours() -> DailyWindow:
    """When collectors may call a borrower under stricter care (settings
    ``STRICTER_CARE_CALL_HOURS``): the hours calls are allowed, not forbidden."""
    return DailyWindow.from_setting(settings.STRICTER_CARE_CALL_HOURS)
