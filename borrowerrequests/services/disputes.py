"""A dispute answered: the lender's verification sent to the borrower, or
the account corrected; either ends the hold on outside agencies. The
borrower may then take the dispute further as a complaint."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.text import strip_bidi_controls
from complaints.models import Category, Complaint
from complaints.services import complaint_submit
from complaints.uploads import CheckedFile, stored_files_remove

from ..models import BorrowerRequest, DisputeReason, DisputeVerification, Kind, RequestEvent, RequestEvidence, Status
from . import deadlines, notify
from .core import RequestTransitionError, event_add, lock, lock_own, move, require_kind
from .decisions import reasons_check
from .effects import effects_end
from .evidence import evidence_store

EKind = RequestEvent.Kind
Visibility = RequestEvent.Visibility

# The complaint category a dispute becomes (DOMAIN §3).
DISPUTE_CATEGORY = {
    DisputeReason.NOT_MINE: "DN-NOTOWED",
    DisputeReason.ALREADY_PAID: "DN-NOTOWED",
    DisputeReason.IDENTITY_FRAUD: "DN-IDTHEFT",
    DisputeReason.WRONG_AMOUNT: "MR-AMOUNT",
}
ANSWERED = (Status.VERIFICATION_SENT, Status.CORRECTED, Status.REFUSED)


def dispute_verify(
    *,
    request: BorrowerRequest,
    by,
    statement: str,
    files: list[CheckedFile] = (),
    now: datetime.datetime,
    document_reference: str = "",
    external_id: str = "",
) -> DisputeVerification:
    """Record the lender's verification (a statement and documents, or the
    lender's reference to them) and send it to the borrower: the hold on
    outside agencies ends now. Meets the deadline. ``external_id`` is the
    lender's id when its feed sent the verification (``by`` is then None)."""
    statement = strip_bidi_controls(statement or "").strip()
    if not statement:
        raise ValidationError(_("Write the lender's statement verifying the debt."), code="statement_required")
    stored: list = []
    try:
        with transaction.atomic():
            request = lock(request)
            require_kind(request, Kind.DISPUTE)
            event = move(
                request=request,
                to=Status.VERIFICATION_SENT,
                now=now,
                kind=EKind.VERIFICATION_SENT,
                visibility=Visibility.BORROWER,
                author=by,
                text=statement,
                extra_fields={"decision_text": statement, "decided_by": by},
            )
            verification = DisputeVerification.objects.create(
                request=request,
                statement=statement,
                document_reference=(document_reference or "").strip(),
                external_id=external_id,
                verified_by=by,
                sent_at=now,
            )
            stored = evidence_store(
                request=request, files=list(files), party=RequestEvidence.Party.PLATFORM, user=by, now=now
            )
            if stored:
                event_add(
                    request=request,
                    kind=EKind.EVIDENCE_ADDED,
                    at=now,
                    visibility=Visibility.BORROWER,
                    author=by,
                    data={"evidence": [item.pk for item in stored]},
                )
            effects_end(request=request, at=now, now=now)
            deadlines.deadline_meet(request=request, now=now)
            notify.borrower_tell(request=request, event=notify.VERIFICATION_SENT, occurrence=event.pk, now=now)
            return verification
    except BaseException:
        stored_files_remove(stored)
        raise


def dispute_correct(*, request: BorrowerRequest, by, explanation: str, now: datetime.datetime) -> BorrowerRequest:
    """The lender corrected the account (the feed carries the new figures):
    tell the borrower what changed; the hold ends now. Meets the deadline."""
    explanation = reasons_check(explanation)
    with transaction.atomic():
        request = lock(request)
        require_kind(request, Kind.DISPUTE)
        event = move(
            request=request,
            to=Status.CORRECTED,
            now=now,
            kind=EKind.CORRECTED,
            visibility=Visibility.BORROWER,
            author=by,
            text=explanation,
            extra_fields={"decision_text": explanation, "decided_by": by},
        )
        effects_end(request=request, at=now, now=now)
        deadlines.deadline_meet(request=request, now=now)
        notify.borrower_tell(request=request, event=notify.CORRECTED, occurrence=event.pk, now=now)
        return request


def dispute_escalate(
    *,
    request: BorrowerRequest,
    borrower,
    description: str,
    submit_token: uuid.UUID,
    now: datetime.datetime,
    files: list[CheckedFile] = (),
) -> Complaint:
    """The borrower disagrees with the lender's answer and complains: a
    complaint is filed through complaints' own intake (its category follows
    the dispute's ground) and linked to the dispute. Once per dispute; the
    same ``submit_token`` returns the same complaint."""
    description = strip_bidi_controls(description or "").strip()
    if not description:
        raise ValidationError(_("Tell us why you disagree with the answer."), code="description_required")
    with transaction.atomic():
        request = lock_own(request, borrower)
        require_kind(request, Kind.DISPUTE)
        if request.complaint_id is not None:
            return request.complaint
        if request.status not in ANSWERED:
            raise RequestTransitionError(
                _("You can complain about a dispute once the lender has answered it."), code="not_answered"
            )
        complaint, _created = complaint_submit(
            borrower=borrower,
            user=borrower.user,
            category=Category.objects.get(code=DISPUTE_CATEGORY[request.reason]),
            incident_at=min(request.decided_at or request.filed_at, now),
            description=description,
            submit_token=submit_token,
            now=now,
            account=request.account,
            files=list(files),
        )
        request.complaint = complaint
        request.updated_at = now
        request.save(update_fields=["complaint", "updated_at"])
        event_add(
            request=request,
            kind=EKind.ESCALATED,
            at=now,
            visibility=Visibility.BORROWER,
            author=borrower.user,
            data={"complaint": complaint.reference},
        )
        return complaint
