"""What borrowers do with their own complaints. Callers pass a complaint
fetched through ``complaint_for_borrower``; each service checks again."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Complaint, Party, SLATarget, Status, TimelineEvent
from ..uploads import CheckedFile
from . import notify, sla
from .core import ComplaintTransitionError, evidence_add, evidence_event, lock, move, require_open, touch
from .intake import _borrower_visibility
from .tickets import ticket_close
from .timeline import timeline_add

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def _lock_own(complaint: Complaint, borrower) -> Complaint:
    complaint = lock(complaint)
    if complaint.borrower_id != borrower.pk:
        raise ComplaintTransitionError(_("This is not your complaint."), code="not_owner")
    return complaint


def complaint_borrower_reply(
    *, complaint: Complaint, borrower, user, text: str, now: datetime.datetime, files: list[CheckedFile] = ()
) -> Complaint:
    """The borrower writes (and may attach files). If the platform was
    waiting for them, the clocks start again."""
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
        require_open(complaint)
        visibility = _borrower_visibility(complaint)
        was_waiting = complaint.waiting_on_borrower_since is not None
        if text:
            timeline_add(
                complaint=complaint,
                kind=Kind.BORROWER_REPLIED,
                at=now,
                visibility=visibility,
                author=user,
                text=text,
                data={"answered_question": was_waiting},
            )
        evidence = evidence_add(complaint=complaint, files=list(files), party=Party.BORROWER, user=user, now=now)
        evidence_event(complaint=complaint, evidence=evidence, visibility=visibility, author=user, now=now)
        if was_waiting:
            sla.targets_resume(complaint=complaint, now=now)
        touch(complaint, now, waiting_on_borrower_since=None)
        with notify.staff_language():
            subject = _("Borrower wrote on complaint %(reference)s") % {"reference": complaint.reference}
            body = _("The borrower added a message or files to complaint %(reference)s.") % {
                "reference": complaint.reference
            }
        last = complaint.timeline.order_by("-pk").values_list("pk", flat=True).first()
        notify.email_obligation(
            key=f"complaint:{complaint.pk}:borrower-wrote:{last}",
            to=notify.owner_emails(complaint),
            subject=subject,
            body=body,
            now=now,
        )
        if complaint.consent_to_share:
            notify.ticket_webhook(
                complaint=complaint,
                event="ticket.borrower_replied",
                occurrence=last,
                data={"at": now.isoformat(), "message": text, "files": len(evidence)},
                now=now,
            )
        return complaint


def complaint_withdraw(*, complaint: Complaint, borrower, user, reason: str, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
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


def _require_review_window(complaint: Complaint, now: datetime.datetime) -> None:
    if complaint.status != Status.RESOLVED:
        raise ComplaintTransitionError(_("There is no decision to answer."), code="no_decision")
    if complaint.review_window_ends_at and now > complaint.review_window_ends_at:
        raise ComplaintTransitionError(_("The time to ask for a review has passed."), code="window_passed")


def complaint_accept_decision(*, complaint: Complaint, borrower, user, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
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
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell us why you disagree with the decision."), code="reason_required")
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
        _require_review_window(complaint, now)
        event = move(
            complaint=complaint,
            to=Status.ESCALATED,
            now=now,
            kind=Kind.DECISION_REJECTED,
            visibility=Visibility.ALL,
            author=user,
            text=reason,
            extra_fields={"reopened_at": now},
        )
        target = _start_review(complaint=complaint, now=now)
        _reopened_notice(complaint=complaint, event=event, reason=reason, target=target, now=now)
        from .staff import _tell_supervisors

        _tell_supervisors(complaint=complaint, reason=reason, occurrence=event.pk, now=now)
        return complaint


def complaint_request_review(*, complaint: Complaint, borrower, user, reason: str, now: datetime.datetime) -> Complaint:
    """Within the review window after a decision: reopen with a new decision
    deadline (15 days by default)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell us what the review should look at."), code="reason_required")
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
        _require_review_window(complaint, now)
        event = move(
            complaint=complaint,
            to=Status.REOPENED,
            now=now,
            kind=Kind.REVIEW_REQUESTED,
            visibility=Visibility.ALL,
            author=user,
            text=reason,
        )
        target = _start_review(complaint=complaint, now=now)
        _reopened_notice(complaint=complaint, event=event, reason=reason, target=target, now=now)
        return complaint


def complaint_rate(
    *, complaint: Complaint, borrower, user, rating: int, comment: str = "", now: datetime.datetime
) -> Complaint:
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError(_("Choose a rating from 1 to 5."), code="rating")
    with transaction.atomic():
        complaint = _lock_own(complaint, borrower)
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
