"""A repayment plan answered by the lender's in-house team: agreed as
asked, another plan offered (which the borrower may accept, or decline by
withdrawing), or refused (``request_refuse``). An agreed plan ends the
pause on the account's measures and cancels or moves them as it says."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.text import strip_bidi_controls
from loans.models import ScheduledMeasure
from notices.services import measure_notices_sync

from ..models import BorrowerRequest, Kind, PlanAnswer, PlanInstalment, RequestEvent, Status
from ..receipts import plan_text
from . import deadlines, notify
from .core import RequestTransitionError, event_add, lock, lock_own, move, require_kind
from .decisions import reasons_check
from .effects import effects_end
from .filing import amount_check

EKind = RequestEvent.Kind
Visibility = RequestEvent.Visibility
Measures = PlanAnswer.Measures


def instalments_check(instalments, *, now: datetime.datetime) -> list[tuple[datetime.date, Decimal]]:
    """``instalments`` as (due date, amount) pairs: at least one, dates from
    today on and each on its own day, amounts positive with two decimals."""
    checked = []
    for due_date, amount in instalments or ():
        if not isinstance(due_date, datetime.date) or due_date < timezone.localdate(now):
            raise ValidationError(_("Each instalment needs a due date from today on."), code="instalment_date")
        checked.append((due_date, amount_check(amount)))
    if not checked:
        raise ValidationError(_("A plan needs at least one instalment."), code="instalments_required")
    dates = [due for due, _amount in checked]
    if len(set(dates)) != len(dates):
        raise ValidationError(_("Two instalments fall on the same day."), code="instalment_duplicate")
    return sorted(checked)


def _measures_check(measures: str, moved_to: datetime.datetime | None, now: datetime.datetime) -> None:
    if measures not in Measures.values:
        raise ValidationError(_("Say what happens to the planned measures."), code="measures_invalid")
    if measures == Measures.MOVE and (moved_to is None or moved_to <= now):
        raise ValidationError(_("Measures can only be moved to a later time."), code="measures_moved_to")
    if measures == Measures.CANCEL and moved_to is not None:
        raise ValidationError(_("Cancelled measures have no new date."), code="measures_moved_to")


def _answer_create(
    *, request, outcome, by, amount, instalments, measures, moved_to, note, now, external_id=""
) -> PlanAnswer:
    answer = PlanAnswer.objects.create(
        request=request,
        external_id=external_id,
        outcome=outcome,
        amount_per_month=amount,
        measures=measures,
        measures_moved_to=moved_to if measures == Measures.MOVE else None,
        note=note,
        answered_by=by,
        answered_at=now,
        agreed_at=now if outcome == PlanAnswer.Outcome.ACCEPTED else None,
    )
    PlanInstalment.objects.bulk_create(
        PlanInstalment(answer=answer, due_date=due_date, amount=value) for due_date, value in instalments
    )
    return answer


def plan_accept(
    *,
    request: BorrowerRequest,
    by,
    instalments,
    measures: str,
    now: datetime.datetime,
    measures_moved_to: datetime.datetime | None = None,
    note: str = "",
    external_id: str = "",
) -> PlanAnswer:
    """Agree the plan as the borrower asked, with its instalments; the
    account's planned measures are cancelled or moved. Meets the deadline.
    ``external_id`` is the lender's id when its feed sent the answer."""
    checked = instalments_check(instalments, now=now)
    _measures_check(measures, measures_moved_to, now)
    note = strip_bidi_controls(note or "").strip()
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.REPAYMENT_PLAN)
        event = move(
            request=request,
            to=Status.PLAN_ACCEPTED,
            now=now,
            kind=EKind.PLAN_ACCEPTED,
            visibility=Visibility.BORROWER,
            author=by,
            text=note,
            extra_fields={"decision_text": note, "decided_by": by},
        )
        answer = _answer_create(
            request=request,
            outcome=PlanAnswer.Outcome.ACCEPTED,
            by=by,
            amount=request.amount_per_month,
            instalments=checked,
            measures=measures,
            moved_to=measures_moved_to,
            note=note,
            now=now,
            external_id=external_id,
        )
        deadlines.deadline_meet(request=request, now=now)
        _plan_agreed(request=request, answer=answer, occurrence=event.pk, now=now)
        return answer


def plan_offer(
    *,
    request: BorrowerRequest,
    by,
    amount_per_month,
    instalments,
    measures: str,
    reasons: str,
    now: datetime.datetime,
    measures_moved_to: datetime.datetime | None = None,
    external_id: str = "",
) -> PlanAnswer:
    """Offer another plan, with reasons; the measures stay paused until the
    borrower accepts it or declines it. Meets the deadline. ``external_id``
    is the lender's id when its feed sent the answer."""
    amount = amount_check(amount_per_month)
    checked = instalments_check(instalments, now=now)
    _measures_check(measures, measures_moved_to, now)
    reasons = reasons_check(reasons)
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.REPAYMENT_PLAN)
        event = move(
            request=request,
            to=Status.PLAN_OFFERED,
            now=now,
            kind=EKind.PLAN_OFFERED,
            visibility=Visibility.BORROWER,
            author=by,
            text=reasons,
            extra_fields={"decision_text": reasons, "decided_by": by},
        )
        answer = _answer_create(
            request=request,
            outcome=PlanAnswer.Outcome.COUNTER_OFFER,
            by=by,
            amount=amount,
            instalments=checked,
            measures=measures,
            moved_to=measures_moved_to,
            note=reasons,
            now=now,
            external_id=external_id,
        )
        deadlines.deadline_meet(request=request, now=now)
        notify.borrower_tell(
            request=request,
            event=notify.PLAN_OFFERED,
            occurrence=event.pk,
            now=now,
            context={"effect": plan_text(answer)},
        )
        return answer


def plan_offer_accept(*, request: BorrowerRequest, borrower, now: datetime.datetime) -> PlanAnswer:
    """The borrower accepts the plan offered to them: it is agreed as offered."""
    with transaction.atomic():
        request = lock_own(request, borrower)
        require_kind(request, Kind.REPAYMENT_PLAN)
        answer = (
            PlanAnswer.objects.select_for_update()
            .filter(request=request, outcome=PlanAnswer.Outcome.COUNTER_OFFER)
            .order_by("-answered_at", "-pk")
            .first()
        )
        if request.status != Status.PLAN_OFFERED or answer is None:
            raise RequestTransitionError(_("No plan is waiting for your answer."), code="no_offer")
        event = move(
            request=request,
            to=Status.PLAN_ACCEPTED,
            now=now,
            kind=EKind.PLAN_ACCEPTED,
            visibility=Visibility.BORROWER,
            author=borrower.user,
            data={"answer": answer.pk},
        )
        answer.agreed_at = now
        answer.save(update_fields=["agreed_at"])
        _plan_agreed(request=request, answer=answer, occurrence=event.pk, now=now)
        return answer


def _plan_agreed(*, request: BorrowerRequest, answer: PlanAnswer, occurrence, now: datetime.datetime) -> None:
    """The pause on measures ends; the planned ones are cancelled or moved
    (their notices follow); the borrower is told the plan."""
    effects_end(request=request, at=now, now=now)
    changed = []
    planned = ScheduledMeasure.objects.select_for_update().filter(
        account=request.account, status=ScheduledMeasure.Status.PLANNED, planned_for__gt=now
    )
    for measure in planned:
        if answer.measures == Measures.CANCEL:
            measure.status = ScheduledMeasure.Status.CANCELLED
            measure.save(update_fields=["status", "updated_at"])
        elif measure.planned_for < answer.measures_moved_to:
            measure.planned_for = answer.measures_moved_to
            measure.save(update_fields=["planned_for", "updated_at"])
        else:
            continue
        measure_notices_sync(measure=measure, now=now)
        changed.append(measure.pk)
    if changed:
        event_add(
            request=request,
            kind=EKind.MEASURES_CHANGED,
            at=now,
            visibility=Visibility.BORROWER,
            data={"measures": changed, "action": answer.measures},
        )
    notify.borrower_tell(
        request=request,
        event=notify.PLAN_ACCEPTED,
        occurrence=occurrence,
        now=now,
        context={"effect": plan_text(answer)},
    )
