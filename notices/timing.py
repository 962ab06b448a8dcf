"""When a notice goes out: lead times and quiet hours.

The rule, in one place:

1. A measure planned for time *T* with a lead of *N* days has a notice
   deadline *D = T − N days*. The notice must have reached the borrower by *D*.
2. The notice is sent at *S = D − margin* (the rule's safety margin, so a
   failed first attempt can be retried before *D*).
3. SMS and e-mail are never sent in the platform's quiet hours (settings
   ``PLATFORM_MESSAGE_QUIET_HOURS``, 21:00–08:00 Asia/Shanghai by default,
   stricter than the collectors' 22:00). If *S* falls in quiet hours it
   moves **earlier**, to 20:59 on the evening that quiet period began: the
   borrower gets more notice, never less. Moving it later (to 08:00) would
   break the lead time.
4. If *S* is already past when the measure becomes known, the notice goes out
   at once; its SMS and e-mail wait for the end of the quiet hours (08:00)
   if it is quiet time now. Such a notice is late when it reaches the
   borrower after *D*, and the measure is then flagged not compliant.

The inbox copy is not subject to quiet hours.
"""

import datetime

from businesscalendar.hours import DailyWindow, platform_message_quiet_hours

# How long before the quiet hours begin a notice moved earlier is sent.
LAST_CALL = datetime.timedelta(minutes=1)


def quiet_hours() -> DailyWindow:
    """The platform's quiet hours for SMS and e-mail, as configured now
    (settings ``PLATFORM_MESSAGE_QUIET_HOURS``)."""
    return platform_message_quiet_hours()


def latest_send_at(when: datetime.datetime, *, quiet: DailyWindow) -> datetime.datetime:
    """The last allowed send time at or before ``when``: ``when`` itself
    outside quiet hours, else just before the quiet period began."""
    if not quiet.contains(when):
        return when
    return quiet.current_start(when) - LAST_CALL


def notice_deadline(*, planned_for: datetime.datetime, days_before: int) -> datetime.datetime:
    return planned_for - datetime.timedelta(days=days_before)


def notice_send_at(
    *,
    planned_for: datetime.datetime,
    days_before: int,
    margin: datetime.timedelta,
    now: datetime.datetime,
    quiet: DailyWindow | None = None,
) -> datetime.datetime:
    """When to send the advance notice for a measure (see the module docstring)."""
    quiet = quiet or quiet_hours()
    target = latest_send_at(notice_deadline(planned_for=planned_for, days_before=days_before) - margin, quiet=quiet)
    return max(target, now)


def external_not_before(*, now: datetime.datetime, quiet: DailyWindow | None = None) -> datetime.datetime:
    """When an SMS or e-mail due ``now`` may go out."""
    return (quiet or quiet_hours()).next_end(now)
