"""Messages on a complaint: the platform's questions to the borrower, the
borrower's replies and files, and staff notes for the audience they choose."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Complaint, Party, TimelineEvent
from ..uploads import CheckedFile
from . import notify, sla
from .evidence import evidence_add, evidence_event
from .timeline import borrower_visibility, timeline_add
from .transitions import ComplaintTransitionError, lock, lock_own, require_open, touch

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def complaint_request_information(*, complaint: Complaint, by, question: str, now: datetime.datetime) -> Complaint:
    """Ask the borrower something only they can answer; the clocks pause
    until they reply."""
    if not question.strip():
        raise ValidationError(_("Write the question for the borrower."), code="question_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        if complaint.waiting_on_borrower_since is not None:
            raise ComplaintTransitionError(
                _("The borrower has not answered the last question yet."), code="already_waiting"
            )
        touch(complaint, now, waiting_on_borrower_since=now)
        sla.targets_pause(complaint=complaint, now=now)
        event = timeline_add(
            complaint=complaint,
            kind=Kind.INFO_REQUESTED,
            at=now,
            visibility=Visibility.BORROWER,
            author=by,
            text=question,
        )
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.information_requested",
            occurrence=event.pk,
            now=now,
            context={"reason": question},
        )
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
        complaint = lock_own(complaint, borrower)
        require_open(complaint)
        visibility = borrower_visibility(complaint)
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


NOTE_VISIBILITIES = {
    Visibility.INTERNAL: gettext_lazy("Staff only"),
    Visibility.BORROWER: gettext_lazy("Borrower"),
    Visibility.AGENCY: gettext_lazy("Agency"),
    Visibility.ALL: gettext_lazy("Borrower and agency"),
}


def complaint_note_add(
    *, complaint: Complaint, author, visibility: str, text: str, now: datetime.datetime
) -> TimelineEvent:
    """A note on the timeline, for the audience chosen; a note the borrower
    may read is also sent to them (inbox, and SMS or e-mail as they chose)."""
    if visibility not in NOTE_VISIBILITIES:
        raise ValidationError(_("Choose who may read the note."), code="visibility")
    if not text.strip():
        raise ValidationError(_("The note is empty."), code="empty")
    with transaction.atomic():
        complaint = lock(complaint)
        event = timeline_add(
            complaint=complaint, kind=Kind.NOTE, at=now, visibility=visibility, author=author, text=text.strip()
        )
        touch(complaint, now)
        if visibility in (Visibility.BORROWER, Visibility.ALL):
            # The borrower hears of it in the inbox and on their chosen channels, not only on the next visit.
            notify.notify_borrower(
                complaint=complaint,
                event="complaint.message",
                occurrence=event.pk,
                now=now,
                context={"reason": text.strip()},
            )
        return event
