"""Which notice a measure gets, with which words, and issuing it when its time comes."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import translation

from loans.models import ScheduledMeasure
from notices.issuing import notice_issue
from notices.models import MeasureNoticeState, Notice, NoticeDelivery, NoticeRule, NoticeTemplate

Purpose = Notice.Purpose
Status = ScheduledMeasure.Status
Planned = Status.PLANNED


def rules_by_kind() -> dict[str, NoticeRule]:
    return {
        rule.measure_kind: rule
        for rule in NoticeRule.objects.select_related("template", "moved_template", "cancelled_template")
    }


def margin(rule: NoticeRule) -> datetime.timedelta:
    return datetime.timedelta(hours=rule.margin_hours)


def measure_extra(measure: ScheduledMeasure, notice: Notice):
    previous = (notice.context or {}).get("previous_planned_for")
    previous_dt = datetime.datetime.fromisoformat(previous) if previous else None

    def extra(language: str) -> dict[str, object]:
        with translation.override(language):
            values: dict[str, object] = {
                "measure": str(measure.get_kind_display()),
                "date": measure.planned_for,
                "agency": str(measure.performer),
                "how_to_avoid": measure.how_to_avoid,
                "reference": measure.account.reference,
            }
        if previous_dt is not None:
            values["previous_date"] = previous_dt
        return values

    return extra


def template_for(notice: Notice, rule: NoticeRule | None) -> NoticeTemplate:
    if rule is not None:
        by_purpose = {
            Purpose.ADVANCE: rule.template,
            Purpose.MOVED: rule.moved_template,
            Purpose.CANCELLED: rule.cancelled_template,
        }
        if notice.purpose in by_purpose:
            return by_purpose[notice.purpose]
    return NoticeTemplate.objects.get(code=notice.event)


def allowed_channels(rule: NoticeRule | None) -> list[str]:
    if rule is None:
        return [NoticeDelivery.Channel.SMS, NoticeDelivery.Channel.EMAIL]
    return rule.external_channels


def new_notice(
    *, measure: ScheduledMeasure, state: MeasureNoticeState, rule: NoticeRule, purpose: str, send_at, now, context=None
) -> Notice:
    state.notices_created += 1
    template = {
        Purpose.ADVANCE: rule.template,
        Purpose.MOVED: rule.moved_template,
        Purpose.CANCELLED: rule.cancelled_template,
    }[purpose]
    return Notice(
        key=f"measure:{measure.pk}:{state.notices_created}:{purpose}",
        borrower_id=measure.account.borrower_id,
        account_id=measure.account_id,
        measure=measure,
        event=template.code,
        purpose=purpose,
        mandatory=rule.mandatory,
        context=context or {},
        send_at=send_at,
        created_at=now,
    )


def notice_issue_scheduled(
    *, notice: Notice, now: datetime.datetime, rules: dict[str, NoticeRule] | None = None
) -> bool:
    """Issue one scheduled notice. Caller holds the notice row."""
    if notice.status != Notice.Status.SCHEDULED:
        return False
    measure = notice.measure
    rule = (rules if rules is not None else rules_by_kind()).get(measure.kind) if measure is not None else None
    extra = measure_extra(measure, notice) if measure is not None else (notice.context or {})
    notice_issue(
        notice=notice, template=template_for(notice, rule), extra=extra, allowed=allowed_channels(rule), now=now
    )
    return True


def issue_now(notice: Notice, rule: NoticeRule, now) -> None:
    notice.save()
    notice_issue(
        notice=notice,
        template=template_for(notice, rule),
        extra=measure_extra(notice.measure, notice),
        allowed=allowed_channels(rule),
        now=now,
    )


def notices_issue_due(*, now: datetime.datetime, batch_size: int = 100, limit: int = 5000) -> int:
    """Issue scheduled notices whose time has come, the most overdue first.

    At most ``limit`` per call, so one beat run stays well inside the task
    time limit; the next run carries on. One commit per batch; rows another
    run holds are skipped, not waited for.
    """
    rules = rules_by_kind()
    issued = 0
    seen = 0
    after: tuple[datetime.datetime, int] | None = None
    due = Notice.objects.filter(status=Notice.Status.SCHEDULED, send_at__lte=now)
    while seen < limit:
        page = due if after is None else due.filter(Q(send_at__gt=after[0]) | Q(send_at=after[0], pk__gt=after[1]))
        rows = list(page.order_by("send_at", "pk").values_list("send_at", "pk")[: min(batch_size, limit - seen)])
        if not rows:
            break
        with transaction.atomic():
            notices = (
                Notice.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("measure__account", "measure__performer", "borrower", "account")
                .filter(pk__in=[pk for _send_at, pk in rows], status=Notice.Status.SCHEDULED)
                .order_by("send_at", "pk")
            )
            for notice in notices:
                if notice.measure is not None and notice.measure.status != Planned:
                    continue  # the measure sync withdraws it
                if notice_issue_scheduled(notice=notice, now=now, rules=rules):
                    issued += 1
        seen += len(rows)
        after = rows[-1]
    return issued
