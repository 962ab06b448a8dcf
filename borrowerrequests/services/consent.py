"""Revoking consent to process sensitive personal information.

What happens (our decision, PIPL art. 15 and 47): processing that rested
on the consent stops at once. The vulnerability's category, the
borrower's words, what staff wrote of it (their decision and the notes of
the request's history) and its files are erased (the file rows keep only
size and checksum as the record); the request ends as ``consent_revoked`` and its
stricter contact rules end from the revocation, because they rest on that
information. The history keeps that consent was given and withdrawn, and
when, but nothing of what was said. The borrower is told, and may still
restrict how they are contacted, which needs no sensitive information.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import BorrowerRequest, Kind, RequestEvent, SensitiveConsent, Status
from . import deadlines, notify
from .core import RequestTransitionError, event_add, lock_own, move, require_kind
from .effects import effects_end
from .evidence import evidence_erase

EKind = RequestEvent.Kind
Visibility = RequestEvent.Visibility


def consent_revoke(*, request: BorrowerRequest, borrower, now: datetime.datetime) -> SensitiveConsent:
    """Withdraw the consent given with a vulnerability request (see above)."""
    with transaction.atomic():
        request = lock_own(request, borrower)
        require_kind(request, Kind.VULNERABILITY)
        consent = SensitiveConsent.objects.select_for_update().filter(request=request).first()
        if consent is None or consent.revoked_at is not None:
            raise RequestTransitionError(_("This consent was already withdrawn."), code="consent_already_revoked")
        consent.revoked_at = now
        consent.save(update_fields=["revoked_at"])
        was_active = request.is_active
        if was_active:
            event = move(
                request=request,
                to=Status.CONSENT_REVOKED,
                now=now,
                kind=EKind.CONSENT_REVOKED,
                visibility=Visibility.BORROWER,
                author=borrower.user,
                data={"consent": consent.pk},
                extra_fields={"reason": "", "words": "", "decision_text": ""},
            )
        else:
            # Already over (withdrawn, refused): only the details go.
            request.reason, request.words, request.decision_text, request.updated_at = "", "", "", now
            request.save(update_fields=["reason", "words", "decision_text", "updated_at"])
            event = event_add(
                request=request,
                kind=EKind.CONSENT_REVOKED,
                at=now,
                visibility=Visibility.BORROWER,
                author=borrower.user,
                data={"consent": consent.pk},
            )
        request.events.exclude(text="").update(text="")
        erased = evidence_erase(evidence=request.evidence.filter(sensitive=True), now=now)
        event_add(
            request=request,
            kind=EKind.DETAILS_ERASED,
            at=now,
            visibility=Visibility.BORROWER,
            data={"files": len(erased)},
        )
        if was_active:
            effects_end(request=request, at=now, now=now)
        deadlines.deadline_cancel(request=request, now=now)
        notify.borrower_tell(request=request, event=notify.CONSENT_REVOKED, occurrence=event.pk, now=now)
        return consent
