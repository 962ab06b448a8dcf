"""How a complaint ends and what may follow: the decision, the borrower's
answer to it (accept, reject, ask for a review), closing once the review
window passes, withdrawal, merging a duplicate, reopening, and the rating.
Borrowers' services take a complaint fetched through
``complaint_for_borrower``; each checks ownership again under the lock."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import OPEN_STATUSES, Complaint, Finding, ResolutionType, SLATarget, Status, TimelineEvent
from . import notify, sla
from .tickets import ticket_close
from .timeline import timeline_add
from .transitions import ComplaintTransitionError, lock, lock_own, move, supervisors_tell, touch

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def complaint_resolve(
    *, complaint: Complaint, by, resolution_type: str, finding: str, explanation: str, now: datetime.datetime
) -> Complaint:
    if resolution_type not in ResolutionType.values:
        raise ValidationError(_("Choose how the complaint was resolved."), code="resolution_type")
    if finding not in Finding.values:
        raise ValidationError(_("Choose the finding."), code="finding")
    if not explanation.strip():
        raise ValidationError(_("Explain the decision to the borrower."), code="explanation_required")
    with transaction.atomic():
        complaint = lock(complaint)
        policy = sla.policy_for(complaint.severity)
        event = move(
            complaint=complaint,
            to=Status.RESOLVED,
            now=now,
            kind=Kind.RESOLVED,
            visibility=Visibility.ALL,
            author=by,
            text=explanation,
            data={"resolution_type": resolution_type, "finding": finding},
            extra_fields={
                "resolution_type": resolution_type,
                "finding": finding,
                "resolution_explanation": explanation,
                "review_window_ends_at": now + datetime.timedelta(days=policy.review_window_days),
                "waiting_on_borrower_since": None,
            },
        )
        sla.target_meet(complaint=complaint, kinds=(SLATarget.Kind.FINAL_DECISION, SLATarget.Kind.REVIEW), now=now)
        sla.targets_cancel(complaint=complaint, now=now)
        ticket_close(complaint=complaint, now=now, author=by)
        notify.ticket_webhook(
            complaint=complaint,
            event="ticket.decided",
            occurrence=event.pk,
            data={"resolution_type": resolution_type, "finding": finding, "decided_at": now.isoformat()},
            now=now,
        )
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.decided",
            occurrence=event.pk,
            now=now,
            mandatory=True,
            context={"reason": explanation, "deadline": complaint.review_window_ends_at},
        )
        return complaint


def complaint_accept_decision(*, complaint: Complaint, borrower, user, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = lock_own(complaint, borrower)
        if complaint.status != Status.RESOLVED:
            raise ComplaintTransitionError(_("There is no decision to answer."), code="no_decision")
        move(
            complaint=complaint,
            to=Status.CLOSED,
            now=now,
            kind=Kind.DECISION_ACCEPTED,
            visibility=Visibility.ALL,
            author=user,
            extra_fields={"closed_reason": Complaint.ClosedReason.ACCEPTED},
        )
        return complaint


def _require_review_window(complaint: Complaint, now: datetime.datetime) -> None:
    if complaint.status != Status.RESOLVED:
        raise ComplaintTransitionError(_("There is no decision to answer."), code="no_decision")
    if complaint.review_window_ends_at and now > complaint.review_window_ends_at:
        raise ComplaintTransitionError(_("The time to ask for a review has passed."), code="window_passed")


def _start_review(*, complaint: Complaint, now: datetime.datetime) -> SLATarget:
    if complaint.review_count >= 1:
        raise ComplaintTransitionError(
            _("This complaint has already been reviewed once; contact customer service."), code="reviewed"
        )
    target = sla.target_start(complaint=complaint, kind=SLATarget.Kind.REVIEW, now=now)
    touch(complaint, now, review_count=complaint.review_count + 1, review_window_ends_at=None)
    return target


def _reopened_notice(*, complaint, event, reason: str, target: SLATarget, now: datetime.datetime) -> None:
    notify.notify_borrower(
        complaint=complaint,
        event="complaint.reopened",
        occurrence=event.pk,
        now=now,
        context={"reason": reason, "deadline": target.due_at},
    )


def complaint_reject_decision(
    *, complaint: Complaint, borrower, user, reason: str, now: datetime.datetime
) -> Complaint:
    """The borrower disagrees: the complaint reopens straight to a
    supervisor, with a new review deadline."""
    return _reopen_for_borrower(
        complaint=complaint,
        borrower=borrower,
        user=user,
        reason=reason,
        now=now,
        missing_reason=_("Tell us why you disagree with the decision."),
        to=Status.ESCALATED,
        kind=Kind.DECISION_REJECTED,
        extra_fields={"reopened_at": now},
        tell_supervisors=True,
    )


def complaint_request_review(*, complaint: Complaint, borrower, user, reason: str, now: datetime.datetime) -> Complaint:
    """Within the review window after a decision: reopen with a new decision
    deadline (15 days by default)."""
    return _reopen_for_borrower(
        complaint=complaint,
        borrower=borrower,
        user=user,
        reason=reason,
        now=now,
        missing_reason=_("Tell us what the review should look at."),
        to=Status.REOPENED,
        kind=Kind.REVIEW_REQUESTED,
    )


def _reopen_for_borrower(
    *,
    complaint: Complaint,
    borrower,
    user,
    reason: str,
    now: datetime.datetime,
    missing_reason: str,
    to: str,
    kind: str,
    extra_fields: dict | None = None,
    tell_supervisors: bool = False,
) -> Complaint:
    """The one step both of the borrower's answers to a decision take: within
    the review window, move with the borrower's reason, start the review
    deadline and tell the borrower."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(missing_reason, code="reason_required")
    with transaction.atomic():
        complaint = lock_own(complaint, borrower)
        _require_review_window(complaint, now)
        event = move(
            complaint=complaint,
            to=to,
            now=now,
            kind=kind,
            visibility=Visibility.ALL,
            author=user,
            text=reason,
            extra_fields=extra_fields,
        )
        target = _start_review(complaint=complaint, now=now)
        _reopened_notice(complaint=complaint, event=event, reason=reason, target=target, now=now)
        if tell_supervisors:
            supervisors_tell(complaint=complaint, reason=reason, occurrence=event.pk, now=now)
        return complaint


def complaint_close_after_review_window(*, complaint_id: int, now: datetime.datetime) -> bool:
    """Close a decided complaint whose review window has passed."""
    with transaction.atomic():
        complaint = lock(complaint_id)
        if complaint.status != Status.RESOLVED or complaint.review_window_ends_at > now:
            return False
        move(
            complaint=complaint,
            to=Status.CLOSED,
            now=now,
            kind=Kind.CLOSED,
            visibility=Visibility.BORROWER,
            extra_fields={"closed_reason": Complaint.ClosedReason.REVIEW_WINDOW_ENDED},
        )
        return True


def complaint_reopen(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> Complaint:
    """Staff reopen a decided or closed complaint (new facts); a new decision
    clock starts."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for reopening."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        if complaint.closed_reason == Complaint.ClosedReason.MERGED:
            raise ComplaintTransitionError(_("A merged complaint cannot be reopened."), code="merged")
        event = move(
            complaint=complaint,
            to=Status.REOPENED,
            now=now,
            kind=Kind.REOPENED,
            visibility=Visibility.BORROWER,
            author=by,
            text=reason,
            extra_fields={"closed_reason": "", "review_window_ends_at": None},
        )
        target = sla.target_start(complaint=complaint, kind=SLATarget.Kind.FINAL_DECISION, now=now)
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.reopened",
            occurrence=event.pk,
            now=now,
            context={"reason": reason, "deadline": target.due_at},
        )
        return complaint


def complaint_withdraw(*, complaint: Complaint, borrower, user, reason: str, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = lock_own(complaint, borrower)
        move(
            complaint=complaint,
            to=Status.WITHDRAWN,
            now=now,
            kind=Kind.WITHDRAWN,
            visibility=Visibility.ALL,
            author=user,
            text=(reason or "").strip(),
            extra_fields={"waiting_on_borrower_since": None},
        )
        sla.targets_cancel(complaint=complaint, now=now)
        ticket_close(complaint=complaint, now=now, author=user)
        return complaint


def complaint_merge(*, duplicate: Complaint, primary: Complaint, by, now: datetime.datetime) -> Complaint:
    """Close ``duplicate`` into ``primary`` (same borrower, primary open)."""
    if duplicate.pk == primary.pk:
        raise ValidationError(_("A complaint cannot be merged into itself."), code="self_merge")
    with transaction.atomic():
        first, second = sorted([duplicate.pk, primary.pk])
        locked = {first: lock(first), second: lock(second)}
        duplicate, primary = locked[duplicate.pk], locked[primary.pk]
        if duplicate.borrower_id != primary.borrower_id:
            raise ValidationError(_("Only complaints of the same borrower can be merged."), code="other_borrower")
        if primary.status not in OPEN_STATUSES:
            raise ComplaintTransitionError(_("Merge into a complaint that is still open."), code="primary_closed")
        move(
            complaint=duplicate,
            to=Status.CLOSED,
            now=now,
            kind=Kind.MERGED,
            visibility=Visibility.BORROWER,
            author=by,
            data={"into": primary.reference},
            extra_fields={"merged_into": primary, "closed_reason": Complaint.ClosedReason.MERGED},
        )
        sla.targets_cancel(complaint=duplicate, now=now)
        ticket_close(complaint=duplicate, now=now, author=by)
        timeline_add(
            complaint=primary,
            kind=Kind.MERGED,
            at=now,
            visibility=Visibility.BORROWER,
            author=by,
            data={"from": duplicate.reference},
        )
        return duplicate


def complaint_rate(
    *, complaint: Complaint, borrower, user, rating: int, comment: str = "", now: datetime.datetime
) -> Complaint:
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError(_("Choose a rating from 1 to 5."), code="rating")
    with transaction.atomic():
        complaint = lock_own(complaint, borrower)
        if complaint.status not in (Status.RESOLVED, Status.CLOSED) or complaint.merged_into_id:
            raise ComplaintTransitionError(_("You can rate the handling once a decision is made."), code="not_decided")
        if complaint.rating is not None:
            raise ComplaintTransitionError(_("You have already rated this complaint."), code="already_rated")
        touch(complaint, now, rating=rating, rating_comment=(comment or "").strip())
        timeline_add(
            complaint=complaint,
            kind=Kind.RATED,
            at=now,
            visibility=Visibility.BORROWER,
            author=user,
            text=complaint.rating_comment,
            data={"rating": rating},
        )
        return complaint
