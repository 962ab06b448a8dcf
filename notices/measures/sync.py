"""Keeping a measure's notices in line with the measure: scheduled, moved,
withdrawn, one measure at a time, in bulk, or by the sweep."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from loans.models import ScheduledMeasure
from notices import timing
from notices.issuing import notice_withdraw
from notices.models import MeasureNoticeState, Notice, NoticeRule

from .issue import issue_now, margin, new_notice, notice_issue_scheduled, rules_by_kind

Compliance = MeasureNoticeState.Compliance
Purpose = Notice.Purpose
Status = ScheduledMeasure.Status
Planned = Status.PLANNED

logger = logging.getLogger(__name__)


def _sync_locked(
    *, measure: ScheduledMeasure, state: MeasureNoticeState | None, rule: NoticeRule | None, now: datetime.datetime
) -> MeasureNoticeState:
    """Bring one measure's notices in line. Caller holds the state row (or
    there is none yet) inside a transaction."""
    gives_notice = rule is not None and rule.gives_notice
    if state is None:
        state = MeasureNoticeState(
            measure=measure,
            planned_for=measure.planned_for,
            measure_status=measure.status,
            kind=measure.kind,
            synced_at=now,
        )
        previous_planned_for = None
        if measure.status != Status.PLANNED or measure.planned_for <= now:
            # First seen already carried out, cancelled or past: history, as
            # in the bulk path and the sweep. Nothing to announce.
            state.compliance = Compliance.NOT_REQUIRED
            state.save()
            return state
    else:
        previous_planned_for = state.planned_for
    current = None
    if state.notice_id is not None:
        current = Notice.objects.select_for_update().get(pk=state.notice_id)
    current_live = (
        current is not None and current.purpose != Purpose.CANCELLED and current.status != Notice.Status.WITHDRAWN
    )

    if measure.status == ScheduledMeasure.Status.CANCELLED or not gives_notice:
        if current_live and current.status == Notice.Status.SCHEDULED:
            notice_withdraw(notice=current, now=now)
        elif current_live and current.status == Notice.Status.ISSUED and measure.status == Status.CANCELLED:
            notice_withdraw(notice=current, now=now)
            if rule is not None:
                cancel = new_notice(
                    measure=measure, state=state, rule=rule, purpose=Purpose.CANCELLED, send_at=now, now=now
                )
                issue_now(cancel, rule, now)
                state.notice = cancel
        if state.compliance == Compliance.PENDING:
            state.compliance = Compliance.NOT_REQUIRED
            state.compliance_note = ""
        if not gives_notice:
            state.days_before = 0
            state.notice_deadline = None
    else:
        deadline = timing.notice_deadline(planned_for=measure.planned_for, days_before=rule.days_before)
        send_at = timing.notice_send_at(
            planned_for=measure.planned_for, days_before=rule.days_before, margin=margin(rule), now=now
        )
        moved = previous_planned_for is not None and previous_planned_for != measure.planned_for
        kind_changed = previous_planned_for is not None and state.kind != measure.kind
        if measure.status == ScheduledMeasure.Status.DONE:
            if current_live and current.status == Notice.Status.SCHEDULED:
                notice_withdraw(notice=current, now=now)
                if state.compliance in (Compliance.PENDING, Compliance.NOT_REQUIRED):
                    state.compliance = Compliance.NONCOMPLIANT
                    state.compliance_note = MeasureNoticeState.Reason.CARRIED_OUT_EARLY
                    state.evaluated_at = now
        elif not current_live or (kind_changed and current.status == Notice.Status.ISSUED):
            # First notice, or again after a withdrawal or a cancellation, or
            # the measure became another kind: a fresh advance notice.
            if current_live:
                notice_withdraw(notice=current, now=now)
            notice = new_notice(
                measure=measure, state=state, rule=rule, purpose=Purpose.ADVANCE, send_at=send_at, now=now
            )
            if send_at <= now:
                issue_now(notice, rule, now)
            else:
                notice.save()
            state.notice = notice
            if state.compliance == Compliance.NOT_REQUIRED:
                state.compliance = Compliance.PENDING
        elif current.status == Notice.Status.SCHEDULED:
            current.send_at = send_at
            current.mandatory = rule.mandatory
            current.event = rule.template.code
            current.save(update_fields=["send_at", "mandatory", "event"])
            if send_at <= now:
                notice_issue_scheduled(notice=current, now=now, rules={measure.kind: rule})
        elif moved:
            # The borrower was told another date: tell them the new one now.
            notice_withdraw(notice=current, now=now)
            notice = new_notice(
                measure=measure,
                state=state,
                rule=rule,
                purpose=Purpose.MOVED,
                send_at=now,
                now=now,
                context={"previous_planned_for": previous_planned_for.isoformat()},
            )
            issue_now(notice, rule, now)
            state.notice = notice
        if moved and state.compliance == Compliance.COMPLIANT:
            state.compliance = Compliance.PENDING
            state.compliance_note = ""
        state.days_before = rule.days_before
        state.notice_deadline = deadline
    state.planned_for = measure.planned_for
    state.measure_status = measure.status
    state.kind = measure.kind
    state.synced_at = now
    state.save()
    return state


def measure_notices_sync(
    *, measure: ScheduledMeasure, now: datetime.datetime, rules: dict[str, NoticeRule] | None = None
) -> MeasureNoticeState:
    """Schedule, move or withdraw the notices of one measure after it was
    created or changed. Harmless to call when nothing changed.

    - planned: an advance notice is scheduled for the lead time before it
      (sent at once if that moment has passed);
    - moved: a notice not yet sent is rescheduled; one already sent is
      followed by a "the date has changed" notice, sent now;
    - cancelled: a notice not yet sent is withdrawn; one already sent is
      followed by a "this will no longer happen" notice;
    - carried out before its notice went out: flagged not compliant.
    """
    with transaction.atomic():
        measure = ScheduledMeasure.objects.select_related("account", "performer").get(pk=measure.pk)
        # Lock order: the state row, then its notice (as everywhere here).
        state = MeasureNoticeState.objects.select_for_update().filter(measure=measure).first()
        rule = (rules if rules is not None else rules_by_kind()).get(measure.kind)
        return _sync_locked(measure=measure, state=state, rule=rule, now=now)


def measure_notices_refresh(*, measure_ids, now: datetime.datetime) -> int:
    """Bring the notices of many measures in line after a bulk write (an
    import or an API batch): new measures in bulk, changed ones one by one,
    notices already due issued at once. Call it in the writer's transaction.
    Returns how many measures were looked at."""
    ids = list(measure_ids)
    if not ids:
        return 0
    rules = rules_by_kind()
    with transaction.atomic():
        known = set(MeasureNoticeState.objects.filter(measure_id__in=ids).values_list("measure_id", flat=True))
        new = list(
            ScheduledMeasure.objects.filter(pk__in=[pk for pk in ids if pk not in known])
            .select_related("account")
            .order_by("pk")
        )
        if new:
            measure_notices_sync_many(measures=new, now=now, rules=rules)
        for measure in ScheduledMeasure.objects.filter(pk__in=known).order_by("pk"):
            measure_notices_sync(measure=measure, now=now, rules=rules)
        due = Notice.objects.filter(
            measure_id__in=[m.pk for m in new], status=Notice.Status.SCHEDULED, send_at__lte=now
        ).values_list("pk", flat=True)
        for notice in (
            Notice.objects.select_for_update(of=("self",))
            .select_related("measure__account", "measure__performer", "borrower", "account")
            .filter(pk__in=list(due))
        ):
            notice_issue_scheduled(notice=notice, now=now, rules=rules)
    return len(ids)


def _stale_q(rules: dict[str, NoticeRule], now: datetime.datetime) -> Q:
    stale = (
        ~Q(notice_state__planned_for=F("planned_for"))
        | ~Q(notice_state__measure_status=F("status"))
        | ~Q(notice_state__kind=F("kind"))
    )
    for kind, rule in rules.items():
        days = rule.days_before if rule.gives_notice else 0
        # A changed lead time matters only for measures still ahead.
        stale |= Q(kind=kind, status=Planned, planned_for__gt=now) & ~Q(notice_state__days_before=days)
    return stale


def measure_notices_sync_many(
    *, measures: list[ScheduledMeasure], now: datetime.datetime, rules: dict[str, NoticeRule]
) -> int:
    """Schedule the first notices of measures that have none yet, in bulk.

    The measures come with ``account`` loaded and have no
    MeasureNoticeState. Notices due already are issued by the dispatcher.
    Runs in one transaction: if another run got there first, the unique
    state per measure makes this batch fail whole and change nothing.
    """
    notices: list[Notice] = []
    states: list[MeasureNoticeState] = []
    for measure in measures:
        rule = rules.get(measure.kind)
        state = MeasureNoticeState(
            measure=measure,
            planned_for=measure.planned_for,
            measure_status=measure.status,
            kind=measure.kind,
            synced_at=now,
        )
        if rule is None or not rule.gives_notice or measure.status != Planned or measure.planned_for <= now:
            state.compliance = Compliance.NOT_REQUIRED
        else:
            state.days_before = rule.days_before
            state.notice_deadline = timing.notice_deadline(
                planned_for=measure.planned_for, days_before=rule.days_before
            )
            send_at = timing.notice_send_at(
                planned_for=measure.planned_for, days_before=rule.days_before, margin=margin(rule), now=now
            )
            notice = new_notice(
                measure=measure, state=state, rule=rule, purpose=Purpose.ADVANCE, send_at=send_at, now=now
            )
            notices.append(notice)
            state.notice = notice
        states.append(state)
    with transaction.atomic():
        Notice.objects.bulk_create(notices, batch_size=2000)
        for state in states:
            if state.notice is not None:
                state.notice_id = state.notice.pk
        MeasureNoticeState.objects.bulk_create(states, batch_size=2000)
    return len(states)


def measure_notices_sweep(*, now: datetime.datetime, batch_size: int = 1000) -> int:
    """Find measures whose notices are missing or out of date and sync them.

    New measures (no state yet) count only when planned and still ahead:
    measures already past when first seen are history, not something to
    notify about. Reads ``now`` once; harmless to re-run.
    """
    rules = rules_by_kind()
    synced = 0
    last_id = 0
    fresh = ScheduledMeasure.objects.filter(notice_state__isnull=True, status=Planned, planned_for__gt=now)
    while True:
        batch = list(
            fresh.filter(pk__gt=last_id)
            .select_related("account")
            .only("pk", "kind", "status", "planned_for", "account__borrower_id", "account_id")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        try:
            synced += measure_notices_sync_many(measures=batch, now=now, rules=rules)
        except IntegrityError:
            # Another run (or a writer's measure_notices_sync) got there
            # first: that batch is theirs, this run moves on.
            logger.info("Measures %s..%s were scheduled concurrently; skipped.", batch[0].pk, batch[-1].pk)
        last_id = batch[-1].pk
    last_id = 0
    stale = ScheduledMeasure.objects.filter(notice_state__isnull=False).filter(_stale_q(rules, now))
    while True:
        # Smaller batches here: each measure is locked and synced on its own,
        # one commit per batch.
        ids = list(stale.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[: batch_size // 5])
        if not ids:
            break
        with transaction.atomic():
            for measure in ScheduledMeasure.objects.filter(pk__in=ids).order_by("pk"):
                measure_notices_sync(measure=measure, now=now, rules=rules)
                synced += 1
        last_id = ids[-1]
    return synced
