"""Telling borrowers that an account entered a new collection stage.

The lender's feed records each move as a :class:`~loans.models.StageChange`.
The beat sweep notices each recent one that has no notice yet and tells the
borrower, in the words of the stage's :class:`~notices.models.StageNoticeRule`
template, what the stage means and how to leave it. Moves older than
``STAGE_NOTICE_WINDOW`` when first seen are history (an import of past
records), and moves the account has already left are skipped.
"""

import datetime

from django.db import transaction
from django.utils import translation

from loans.models import StageChange

from .issuing import notice_issue
from .models import Notice, StageNoticeRule

STAGE_NOTICE_WINDOW = datetime.timedelta(days=2)


def _stage_extra(change: StageChange):
    def extra(language: str) -> dict[str, object]:
        with translation.override(language):
            return {
                "stage": change.stage.tr.name,
                "stage_explanation": change.stage.tr.explanation,
                "date": change.changed_at,
            }

    return extra


def stage_change_notify(*, change: StageChange, rule: StageNoticeRule, now: datetime.datetime) -> Notice | None:
    """Tell the borrower about one stage change (once: keyed by the change)."""
    account = change.account
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            key=f"stage:{change.pk}",
            defaults={
                "borrower_id": account.borrower_id,
                "account": account,
                "stage_change": change,
                "event": rule.template.code,
                "purpose": Notice.Purpose.STAGE,
                "mandatory": rule.mandatory,
                "send_at": now,
                "created_at": now,
            },
        )
        if created:
            notice_issue(
                notice=notice,
                template=rule.template,
                extra=_stage_extra(change),
                allowed=rule.external_channels,
                now=now,
            )
    return notice


def stage_notices_sweep(*, now: datetime.datetime, batch_size: int = 500) -> int:
    """Notify recent stage changes that have no notice. Harmless to re-run."""
    rules = {
        rule.stage_id: rule for rule in StageNoticeRule.objects.filter(active=True).select_related("template", "stage")
    }
    if not rules:
        return 0
    candidates = (
        StageChange.objects.filter(
            changed_at__gt=now - STAGE_NOTICE_WINDOW,
            changed_at__lte=now,
            stage_id__in=list(rules),
            notices__isnull=True,
        )
        .select_related("account", "stage")
        .order_by("pk")
    )
    notified = 0
    last_id = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_id)[:batch_size])
        if not batch:
            return notified
        for change in batch:
            if change.account.stage_id != change.stage_id:
                continue  # the account has moved on since
            stage_change_notify(change=change, rule=rules[change.stage_id], now=now)
            notified += 1
        last_id = batch[-1].pk
