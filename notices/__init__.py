"""Advance notices and the borrower's inbox.

Entry points for other apps (all in :mod:`notices.services` unless noted):

- ``borrower_notify(borrower=, event=, key=, context=, account=, complaint=,
  now=, mandatory=)``: tell a borrower something now (inbox always, SMS and
  e-mail by their preference, through the outbox). Idempotent by ``key``.
- ``measure_notices_sync(measure=, now=)``: after writing one
  ScheduledMeasure; ``measure_notices_refresh(measure_ids=, now=)`` after a
  bulk write. Either is optional: the beat sweep finds what they missed.
- :func:`notices.selectors.noncompliant_measures_count` for the agency
  scorecard; :func:`notices.selectors.notice_for_measure` and the template tag
  ``{% load notices %}{% notice_for_measure measure as notice %}`` for pages.
- :mod:`notices.sms`: the SMS backend, shared with sign-in.
"""
