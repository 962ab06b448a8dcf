"""Staff decisions common to every kind (acknowledge, start the review,
accept, refuse), the borrower's withdrawal, and the end of a restriction's
period. Every decision reaches the borrower."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.text import strip_bidi_controls

from ..models import BorrowerRequest, Kind, RequestEvent, Status
from . import deadlines, notify
from .core import RequestTransitionError, lock, lock_own, move, require_kind
from .effects import effects_end, period_end

EKind = RequestEvent.Kind
Visibility = RequestEvent.Visibility


def reasons_check(reasons: str) -> str:
    reasons = strip_bidi_controls(reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Give the borrower your reasons."), code="reason_required")
    return reasons


def request_acknowledge(*, request: BorrowerRequest, by, now: datetime.datetime) -> BorrowerRequest:
    """Staff confirm a stop on third-party contact or a restriction: it stays
    in force (until withdrawn or its period ends). Meets the deadline."""
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.STOP_THIRD_PARTY, Kind.RESTRICT_CONTACT)
        event = move(
            request=request,
            to=Status.IN_FORCE,
            now=now,
            kind=EKind.ACKNOWLEDGED,
            visibility=Visibility.BORROWER,
            author=by,
        )
        deadlines.deadline_meet(request=request, now=now)
        notify.borrower_tell(request=request, event=notify.ACKNOWLEDGED, occurrence=event.pk, now=now)
        return request


def request_start_review(*, request: BorrowerRequest, by, now: datetime.datetime) -> BorrowerRequest:
    """Staff start on a dispute, a plan or a vulnerability; the clock runs on."""
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.DISPUTE, Kind.REPAYMENT_PLAN, Kind.VULNERABILITY)
        move(
            request=request,
            to=Status.UNDER_REVIEW,
            now=now,
            kind=EKind.REVIEW_STARTED,
            visibility=Visibility.BORROWER,
            author=by,
        )
        return request


def request_accept(*, request: BorrowerRequest, by, note: str = "", now: datetime.datetime) -> BorrowerRequest:
    """Staff reviewed a vulnerability: the stricter rules stand until the
    borrower withdraws it or their consent. Meets the deadline."""
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.VULNERABILITY)
        note = strip_bidi_controls(note or "").strip()
        event = move(
            request=request,
            to=Status.ACCEPTED,
            now=now,
            kind=EKind.ACCEPTED,
            visibility=Visibility.BORROWER,
            author=by,
            text=note,
            extra_fields={"decision_text": note, "decided_by": by},
        )
        deadlines.deadline_meet(request=request, now=now)
        notify.borrower_tell(request=request, event=notify.ACKNOWLEDGED, occurrence=event.pk, now=now)
        return request


def request_refuse(*, request: BorrowerRequest, by, reasons: str, now: datetime.datetime) -> BorrowerRequest:
    """Refuse a request with reasons sent to the borrower: its effects end
    now. (A plan is refused here too.) Meets the deadline."""
    reasons = reasons_check(reasons)
    with transaction.atomic():
        request = lock(request)
        if request.status == Status.IN_FORCE:
            raise RequestTransitionError(
                _("An acknowledged request stands until the borrower withdraws it."), code="already_acknowledged"
            )
        event = move(
            request=request,
            to=Status.REFUSED,
            now=now,
            kind=EKind.REFUSED,
            visibility=Visibility.BORROWER,
            author=by,
            text=reasons,
            extra_fields={"decision_text": reasons, "decided_by": by},
        )
        effects_end(request=request, at=now, now=now)
        deadlines.deadline_meet(request=request, now=now)
        notify.borrower_tell(request=request, event=notify.REFUSED, occurrence=event.pk, now=now)
        return request


def request_withdraw(
    *, request: BorrowerRequest, borrower, now: datetime.datetime, effective_at: datetime.datetime | None = None
) -> BorrowerRequest:
    """The borrower withdraws their request: its effects end from
    ``effective_at`` (now, or a later moment they state), its history is
    kept. Declining an offered plan is withdrawing the request."""
    effective_at = effective_at or now
    if effective_at < now:
        raise ValidationError(
            _("A request can be withdrawn from now or a later time, not from the past."), code="withdraw_past"
        )
    with transaction.atomic():
        request = lock_own(request, borrower)
        # A restriction for a period never outlives its period.
        end = period_end(request)
        if end is not None:
            effective_at = min(effective_at, end)
        event = move(
            request=request,
            to=Status.WITHDRAWN,
            now=now,
            kind=EKind.WITHDRAWN,
            visibility=Visibility.ALL,
            author=borrower.user,
            data={"effective_at": effective_at.isoformat()},
        )
        effects_end(request=request, at=effective_at, now=now)
        deadlines.deadline_cancel(request=request, now=now)
        notify.borrower_tell(
            request=request, event=notify.WITHDRAWN, occurrence=event.pk, now=now, context={"date": effective_at}
        )
        return request


def request_period_end(*, request_id: int, now: datetime.datetime) -> bool:
    """A restriction's chosen period is over: its effect ends at the end of
    the day named (not when the sweep noticed). Returns whether it ended."""
    with transaction.atomic():
        request = lock(request_id)
        end = period_end(request)
        if end is None or end > now or request.status not in (Status.FILED, Status.IN_FORCE):
            return False
        event = move(
            request=request,
            to=Status.ENDED,
            now=now,
            kind=EKind.PERIOD_ENDED,
            visibility=Visibility.ALL,
            data={"ended_at": end.isoformat()},
        )
        effects_end(request=request, at=end, now=now)
        deadlines.deadline_cancel(request=request, now=now)
        notify.borrower_tell(
            request=request, event=notify.PERIOD_ENDED, occurrence=event.pk, now=now, context={"date": end}
        )
        return True
