"""What reaches the borrower about a request: a notice through the notices
app (their inbox always, SMS or e-mail by their chosen channel, through the
outbox after commit), written in the caller's transaction and keyed so a
retry sends nothing twice."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notices.services import borrower_notify

from ..models import BorrowerRequest
from ..receipts import effects_text, request_summary

# Notice template codes (seeded by this app's migrations, edited by staff).
RECEIVED = "request.received"
ACKNOWLEDGED = "request.acknowledged"
REFUSED = "request.refused"
VERIFICATION_SENT = "request.verification_sent"
CORRECTED = "request.corrected"
PLAN_OFFERED = "request.plan_offered"
PLAN_ACCEPTED = "request.plan_accepted"
WITHDRAWN = "request.withdrawn"
CONSENT_REVOKED = "request.consent_revoked"
PERIOD_ENDED = "request.period_ended"

# In place of what staff wrote, in the notices of a sensitive request.
DECISION_ON_PAGE = _("Our note on it is on the request's page in the portal, which only you can open.")


def borrower_tell(
    *,
    request: BorrowerRequest,
    event: str,
    occurrence: int | str,
    now: datetime.datetime,
    context: dict | None = None,
):
    """Tell the borrower about their request. ``event`` is one of the codes
    above; ``occurrence`` (usually the event row's id) makes the key unique
    per happening. Templates may use ``reference``, ``request``,
    ``effect``, ``date``, ``deadline``, ``reason`` and ``account``;
    ``portal_link`` (and so the notice's link in the inbox) is the request's
    page on the borrower site, its receipt for the receipt."""
    page = "requests:receipt" if event == RECEIVED else "requests:detail"
    values = {
        "portal_link": settings.PORTAL_BASE_URL + reverse(page, args=[request.reference]),
        "reference": request.reference,
        "request": request_summary(request),
        "effect": effects_text(request),
        "date": now,
        "deadline": request.staff_due_at,
        # What staff wrote of a vulnerability stays on the request's page,
        # behind the borrower's sign-in: notices are kept, shown in the desk
        # and sent by SMS and e-mail.
        "reason": DECISION_ON_PAGE if request.is_sensitive else request.decision_text,
    }
    values.update(context or {})
    return borrower_notify(
        borrower=request.borrower,
        event=event,
        key=f"request:{request.pk}:{event}:{occurrence}",
        context=values,
        account=request.account,
        now=now,
    )
