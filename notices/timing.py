"""When a notice goes out: lead times and quiet hours.

The rule, in one place:

1. A measure planned for time *T* with a lead of *N* days has a notice
   deadline *D = T − N days*. The notice must have reached the borrower by *D*.
2. The notice is sent at *S = D − margin* (the rule's safety margin, so a
   failed first attempt can be retried before *D*).
3. SMS and e-mail are never sent in quiet hours (21:00–08:00 Asia/Shanghai).
   If *S* falls in quiet hours it moves **earlier**, to 20:59 on the evening
   that quiet period began: the borrower gets more notice, never less. Moving
   it later (to 08:00) would break the lead time.
4. If *S* is already past when the measure becomes known, the notice goes out
   at once; its SMS and e-mail wait for 08:00 if it is quiet time now. Such a
   notice is late when it reaches the borrower after *D*, and the measure is
   then flagged not compliant.

The inbox copy is not subject to quiet hours.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class QuietHours:
    """A daily window in Asia/Shanghai when no SMS or e-mail goes out.

    ``start`` after ``end`` crosses midnight (21:00–08:00); ``start`` equal
    to ``end`` means no quiet hours at all.
    """

    start: datetime.time = datetime.time(21, 0)
    end: datetime.time = datetime.time(8, 0)
    # The last moment before ``start`` we send at when moving a notice earlier.
    last_call: datetime.timedelta = datetime.timedelta(minutes=1)

    def contains(self, when: datetime.datetime) -> bool:
        local = when.astimezone(SHANGHAI).time()
        if self.start == self.end:
            return False
        if self.start > self.end:
            return local >= self.start or local < self.end
        return self.start <= local < self.end

    def next_end(self, when: datetime.datetime) -> datetime.datetime:
        """The first allowed moment at or after ``when``."""
        if not self.contains(when):
            return when
        local = when.astimezone(SHANGHAI)
        end = datetime.datetime.combine(local.date(), self.end, tzinfo=SHANGHAI)
        return end if end > local else end + datetime.timedelta(days=1)

    def previous_start(self, when: datetime.datetime) -> datetime.datetime:
        """The last allowed send time at or before ``when``: ``when`` itself
        outside quiet hours, else just before the quiet period began."""
        if not self.contains(when):
            return when
        local = when.astimezone(SHANGHAI)
        start = datetime.datetime.combine(local.date(), self.start, tzinfo=SHANGHAI)
        if start > local:
            start -= datetime.timedelta(days=1)
        return start - self.last_call


def quiet_hours() -> QuietHours:
    """The configured quiet hours (settings ``NOTICE_QUIET_HOURS``: a pair of
    "HH:MM" strings, start and end), 21:00–08:00 by default."""
    configured = getattr(settings, "NOTICE_QUIET_HOURS", None)
    if not configured:
        return QuietHours()
    start, end = (datetime.time.fromisoformat(value) for value in configured)
    return QuietHours(start=start, end=end)


def notice_deadline(*, planned_for: datetime.datetime, days_before: int) -> datetime.datetime:
    return planned_for - datetime.timedelta(days=days_before)


def notice_send_at(
    *,
    planned_for: datetime.datetime,
    days_before: int,
    margin: datetime.timedelta,
    now: datetime.datetime,
    quiet: QuietHours | None = None,
) -> datetime.datetime:
    """When to send the advance notice for a measure (see the module docstring)."""
    quiet = quiet or quiet_hours()
    target = quiet.previous_start(notice_deadline(planned_for=planned_for, days_before=days_before) - margin)
    return max(target, now)


def external_not_before(*, now: datetime.datetime, quiet: QuietHours | None = None) -> datetime.datetime:
    """When an SMS or e-mail due ``now`` may go out."""
    return (quiet or quiet_hours()).next_end(now)
