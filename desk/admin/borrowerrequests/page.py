"""What the request page shows: the request with its deadlines, history,
evidence, the restrictions it placed, the lender's answers and the consent
record. Reads only. Sensitive personal information (a vulnerability's
category, words, files and the staff texts about it) is left out unless
the caller says the viewer may see it."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext

from borrowerrequests.models import (
    BorrowerRequest,
    DisputeVerification,
    PlanAnswer,
    RequestDeadline,
    RequestEvent,
    RequestEvidence,
    SensitiveConsent,
)
from borrowerrequests.selectors import dispute_verification, plan_answers_for_request, request_restrictions
from complaints.sla_state import sla_state
from desk.sla import SlaBadge, sla_badge
from loans.models import Restriction

AUDIENCE = {
    RequestEvent.Visibility.ALL: "all",
    RequestEvent.Visibility.BORROWER: "borrower",
    RequestEvent.Visibility.AGENCY: "agency",
    RequestEvent.Visibility.INTERNAL: "internal",
}


@dataclass
class RequestPage:
    request: BorrowerRequest
    badge: SlaBadge
    deadlines: list[dict]
    events: list[dict]
    evidence: list[RequestEvidence]
    restrictions: list[Restriction]
    plan_answers: list[PlanAnswer]
    verification: DisputeVerification | None
    consent: SensitiveConsent | None
    # Whether the page holds sensitive personal information (and so was
    # built for a viewer allowed to see it).
    shows_sensitive: bool


def _event_party(event: RequestEvent, request: BorrowerRequest) -> tuple[str, str]:
    if event.author_id and event.author_id == request.borrower.user_id:
        return "borrower", gettext("Borrower")
    if event.author_id is None:
        return "system", gettext("System")
    return "staff", gettext("Staff")


def request_page(*, request_pk: int, sensitive: bool, now: datetime.datetime) -> RequestPage:
    """The page's rows. The caller fetched the request through the admin,
    which checked the staff member may see it, and says in ``sensitive``
    whether they may see sensitive personal information."""
    request = BorrowerRequest.objects.select_related("borrower", "account", "decided_by", "complaint").get(
        pk=request_pk
    )
    hide = request.is_sensitive and not sensitive
    clocks = list(RequestDeadline.objects.filter(request=request).order_by("started_at", "pk"))
    events = []
    for event in request.events.select_related("author").order_by("at", "pk"):
        events.append(
            {
                "event": event,
                "party": _event_party(event, request),
                # What staff wrote about a vulnerability may describe it.
                "text": "" if hide else event.text,
                "text_hidden": bool(hide and event.text),
            }
        )
    evidence = list(request.evidence.order_by("uploaded_at", "pk"))
    if hide:
        evidence = [item for item in evidence if not item.sensitive]
    consent = SensitiveConsent.objects.filter(request=request).first()
    return RequestPage(
        request=request,
        badge=sla_badge([clock for clock in clocks if clock.is_open], now=now),
        deadlines=[{"deadline": clock, "state": sla_state(clock, now=now)} for clock in clocks],
        events=events,
        evidence=evidence,
        restrictions=list(request_restrictions(request=request)),
        plan_answers=list(plan_answers_for_request(request=request)),
        verification=dispute_verification(request=request),
        consent=consent,
        shows_sensitive=request.is_sensitive and sensitive,
    )
