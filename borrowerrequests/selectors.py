"""Reads, each scoped to who is asking. Pages never look a request up by
anything a user typed except through these."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from agencies.models import Agency
from complaints.sla_state import sla_state, sla_state_q
from loans.models import Assignment, Restriction

from .models import (
    ACTIVE_STATUSES,
    BorrowerRequest,
    DisputeVerification,
    PlanAnswer,
    PlanInstalment,
    RequestDeadline,
    RequestEvent,
    RequestEvidence,
    SensitiveConsent,
    Status,
)
from .receipts import Effect, Receipt, request_effects, request_receipt

SOURCE_PREFIX = "request:"


# The borrower --------------------------------------------------------------


def requests_for_borrower(*, borrower) -> QuerySet[BorrowerRequest]:
    """The borrower's own requests, newest first."""
    return BorrowerRequest.objects.filter(borrower=borrower).select_related("account")


def request_for_borrower(*, borrower, reference: str) -> BorrowerRequest:
    """The borrower's own request, or 404 (the same for one that exists but
    is someone else's)."""
    request = requests_for_borrower(borrower=borrower).filter(reference=(reference or "").strip().upper()).first()
    if request is None:
        raise Http404("No such request.")
    return request


def request_receipt_for_borrower(*, borrower, reference: str) -> Receipt:
    """The printable receipt of the borrower's own request."""
    return request_receipt(request_for_borrower(borrower=borrower, reference=reference))


def request_events_for_borrower(*, request: BorrowerRequest) -> QuerySet[RequestEvent]:
    """The history the borrower may read (the caller fetched ``request``
    through :func:`request_for_borrower`)."""
    return request.events.filter(visibility__in=RequestEvent.Visibility.readable_by("borrower"))


def request_evidence_for_borrower(*, borrower, reference: str, evidence_id: int) -> RequestEvidence:
    """A file of the borrower's own request (theirs or the lender's
    verification documents), still kept; else 404."""
    request = request_for_borrower(borrower=borrower, reference=reference)
    evidence = request.evidence.filter(pk=evidence_id, purged_at__isnull=True).select_related("request__borrower")
    found = evidence.first()
    if found is None:
        raise Http404("No such file.")
    return found


@dataclass(frozen=True)
class AccountRequest:
    """A request on a loan's status page: what it binds collectors to now,
    and the plan agreed on it, if any."""

    request: BorrowerRequest
    effects: tuple[Effect, ...]
    plan: PlanAnswer | None


def requests_bearing_on_account(*, borrower, account_id: int, now: datetime.datetime) -> list[AccountRequest]:
    """The borrower's requests that bind collection on one of their loans at
    ``now`` (those naming it and those covering every loan), and those with
    a plan agreed on it, for the loan's status page; oldest first."""
    in_force = Q(status__in=ACTIVE_STATUSES, effective_from__lte=now) & (
        Q(effects_end_at__isnull=True) | Q(effects_end_at__gt=now)
    )
    rows = (
        requests_for_borrower(borrower=borrower)
        .filter(Q(account_id=account_id) | Q(account__isnull=True))
        .filter(in_force | Q(status=Status.PLAN_ACCEPTED, account_id=account_id))
        .order_by("filed_at", "pk")
    )
    return [
        AccountRequest(
            request=item,
            effects=request_effects(item),
            plan=plan_agreed(request=item) if item.status == Status.PLAN_ACCEPTED else None,
        )
        for item in rows
    ]


def request_files_for_borrower(*, request: BorrowerRequest) -> QuerySet[RequestEvidence]:
    """The files of a request still kept, the borrower's and the lender's
    (the caller fetched ``request`` through :func:`request_for_borrower`)."""
    return request.evidence.filter(purged_at__isnull=True)


def request_consent(*, request: BorrowerRequest) -> SensitiveConsent | None:
    """The consent given with a vulnerability request, revoked or not."""
    return SensitiveConsent.objects.filter(request=request).first()


def plan_answers_for_request(*, request: BorrowerRequest) -> QuerySet[PlanAnswer]:
    """The plans answered on a request, oldest first, with instalments."""
    return request.plan_answers.prefetch_related(
        Prefetch("instalments", queryset=PlanInstalment.objects.order_by("due_date"))
    )


def plan_agreed(*, request: BorrowerRequest) -> PlanAnswer | None:
    """The plan in force on an agreed request (for the status page)."""
    return plan_answers_for_request(request=request).filter(agreed_at__isnull=False).order_by("-agreed_at").first()


def dispute_verification(*, request: BorrowerRequest) -> DisputeVerification | None:
    return DisputeVerification.objects.filter(request=request).first()


# Staff ---------------------------------------------------------------------


def request_deadline(*, request: BorrowerRequest) -> RequestDeadline | None:
    """The open staff deadline, if any."""
    return request.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True).first()


def request_sla_state(*, request: BorrowerRequest, now: datetime.datetime) -> str:
    """The deadline's state by the complaints' one rule (``SlaState``)."""
    return sla_state(request_deadline(request=request), now=now)


def request_restrictions(*, request: BorrowerRequest) -> QuerySet[Restriction]:
    """The restrictions on collection the request placed, with their
    periods (ended ones too: the history is kept)."""
    return (
        Restriction.objects.filter(source=request.restriction_source)
        .select_related("account")
        .order_by("starts_at", "pk")
    )


def request_evidence_for_staff(*, request: BorrowerRequest, evidence_id: int, sensitive: bool) -> RequestEvidence:
    """A file of the request, still kept; a sensitive one (a vulnerability's)
    only when ``sensitive`` (the caller checked the permission); else 404."""
    evidence = request.evidence.filter(pk=evidence_id, purged_at__isnull=True)
    if not sensitive:
        evidence = evidence.filter(sensitive=False)
    found = evidence.select_related("request__borrower").first()
    if found is None:
        raise Http404("No such file.")
    return found


def requests_in_sla_state(*, state: str, now: datetime.datetime) -> QuerySet[BorrowerRequest]:
    """Requests whose open deadline is in ``state`` (breached, at risk, on
    track, paused), by the same SQL rule as complaints."""
    clocks = RequestDeadline.objects.filter(sla_state_q(state, now=now)).values("request_id")
    return BorrowerRequest.objects.filter(pk__in=clocks).select_related("borrower", "account")


# Agencies ------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRestriction:
    """What an agency may know of a request: which restriction binds it, on
    which account, for what period. Never the request's kind or reason, a
    vulnerability's category, the borrower's words or files."""

    account_reference: str
    kind: str
    kind_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None


def restrictions_known_to_agency(
    *, agency: Agency, now: datetime.datetime, account=None, include_ended: bool = False
) -> list[AgencyRestriction]:
    """The restrictions from borrowers' requests on the accounts the agency
    handles at ``now`` (one account, if given): in force, or about to end;
    with ``include_ended`` also those that ended, for the history."""
    assignments = Assignment.objects.filter(agency=agency, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    if account is not None:
        assignments = assignments.filter(account=account)
    accounts = {a.account_id: a.account for a in assignments.select_related("account")}
    if not accounts:
        return []
    borrower_accounts: dict[int, list] = {}
    for item in accounts.values():
        borrower_accounts.setdefault(item.borrower_id, []).append(item)
    rows = Restriction.objects.filter(
        source__startswith=SOURCE_PREFIX, borrower_id__in=borrower_accounts, starts_at__lte=now
    ).filter(Q(account__isnull=True) | Q(account_id__in=accounts))
    if not include_ended:
        rows = rows.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    known = []
    for restriction in rows.order_by("starts_at", "pk"):
        targets = (
            [accounts[restriction.account_id]] if restriction.account_id else borrower_accounts[restriction.borrower_id]
        )
        for target in targets:
            known.append(
                AgencyRestriction(
                    account_reference=target.reference,
                    kind=restriction.kind,
                    kind_label=restriction.get_kind_display(),
                    starts_at=restriction.starts_at,
                    ends_at=restriction.ends_at,
                )
            )
    return known
