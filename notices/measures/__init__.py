"""Advance notices of scheduled measures: schedule, move, withdraw, judge.

Whoever writes a :class:`~loans.models.ScheduledMeasure` (the lender feed
importer, the agency API, staff in the admin) should call
:func:`measure_notices_sync` in the same transaction. Nothing depends on
that call alone: each measure's last-seen date, status and kind are kept in
:class:`~notices.models.MeasureNoticeState`, and the beat sweep
(:func:`measure_notices_sweep`) brings every measure whose snapshot is
missing or stale in line, so a writer that forgets is late by one minute,
never missed.

Lead-time arithmetic and quiet hours are in :mod:`notices.timing`.
"""

from .compliance import measure_compliance_judge, notices_compliance_sweep
from .issue import notice_issue_scheduled, notices_issue_due, rules_by_kind
from .sync import measure_notices_refresh, measure_notices_sweep, measure_notices_sync, measure_notices_sync_many

__all__ = [
    "measure_compliance_judge",
    "measure_notices_refresh",
    "measure_notices_sweep",
    "measure_notices_sync",
    "measure_notices_sync_many",
    "notice_issue_scheduled",
    "notices_compliance_sweep",
    "notices_issue_due",
    "rules_by_kind",
]
