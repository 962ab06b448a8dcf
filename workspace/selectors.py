"""Reads scoped to one agency: what its users and tokens may see.

Every lookup here takes the agency and returns only rows tied to accounts
assigned to it, so a view or API endpoint cannot forget the scope.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from agencies.models import Agency, AgencyMembership, AgencySignInAttempt, ApiCallLog, ApiToken
from complaints.models import AgencyTicket
from complaints.selectors import (
    evidence_for_ticket,
    holds_for_account,
    ticket_for_agency,
    tickets_for_agency,
    timeline_for_ticket,
)
from complaints.sla_state import SlaState, sla_state_q
from complaints.sla_state import sla_state as clock_state
from loans.models import Assignment, ContactEvent, ContactPreference, LoanAccount, Restriction
from loans.restrictions import restrictions_for_agency


def _storable(value: str) -> bool:
    """Text a client sent that the database can compare at all (PostgreSQL
    refuses NUL characters); anything else matches nothing."""
    return "\x00" not in (value or "")


def _open_assignment_q(*, prefix: str, agency: Agency, now: datetime.datetime) -> Q:
    return Q(**{f"{prefix}agency": agency, f"{prefix}starts_at__lte": now}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
    )


def accounts_assigned_to_agency(*, agency: Agency, now: datetime.datetime) -> QuerySet[LoanAccount]:
    """Accounts this agency handles now."""
    assigned = Assignment.objects.filter(_open_assignment_q(prefix="", agency=agency, now=now)).values("account_id")
    return LoanAccount.objects.filter(pk__in=assigned)


def contact_preferences_for_agency(
    *,
    agency: Agency,
    now: datetime.datetime,
    account_reference: str | None = None,
    changed_since: datetime.datetime | None = None,
) -> QuerySet:
    """Each currently assigned account with its borrower's wishes (defaults
    when the borrower never set any), as dicts ordered by reference."""
    accounts = accounts_assigned_to_agency(agency=agency, now=now)
    if account_reference is not None and not _storable(account_reference):
        return accounts.none().values("reference")
    if account_reference:
        accounts = accounts.filter(reference=account_reference)
    if changed_since is not None:
        accounts = accounts.filter(borrower__contact_preference__updated_at__gte=changed_since)
    prefix = "borrower__contact_preference__"
    return accounts.order_by("reference").values(
        "reference",
        no_third_party_contact=Coalesce(
            F(f"{prefix}no_third_party_contact"), Value(False), output_field=BooleanField()
        ),
        window_start=F(f"{prefix}window_start"),
        window_end=F(f"{prefix}window_end"),
        preferred_channel=Coalesce(
            F(f"{prefix}preferred_channel"), Value(ContactPreference.Channel.ANY), output_field=CharField()
        ),
        updated_at=F(f"{prefix}updated_at"),
    )


def preference_changes_for_agency(*, agency: Agency, now: datetime.datetime) -> QuerySet:
    """The history of contact preference changes of borrowers whose accounts
    this agency handles now, newest first."""
    borrowers = accounts_assigned_to_agency(agency=agency, now=now).values("borrower_id")
    return (
        ContactPreference.history.filter(borrower_id__in=borrowers)
        .select_related("borrower")
        .order_by("-history_date", "-history_id")
    )


# Tickets -----------------------------------------------------------------

TICKET_STATUS_FILTERS = ("open", "responded", "closed", "moved")
CONTACT_WINDOW = datetime.timedelta(days=7)


# A ticket no longer waiting for the agency reads as one of these rather
# than by its clock.
ANSWERED = "answered"
MOVED = "moved"


def _tickets_base(*, agency: Agency) -> QuerySet:
    """The agency's tickets (through the complaints app's scoped selector),
    with the clock their response deadline is read from."""
    return tickets_for_agency(agency=agency).select_related("complaint__borrower", "response_target")


def sla_state(ticket, *, now: datetime.datetime) -> str:
    """Where the agency stands against its response deadline: while the
    ticket waits for it, the state of its clock, judged as the desk judges
    it (so a clock paused for the borrower reads paused, not breached)."""
    if ticket.is_moved:
        return MOVED
    if ticket.status != ticket.Status.OPEN:
        return ANSWERED
    return clock_state(ticket.response_target, now=now)


def agency_tickets(*, agency: Agency, status: str | None = None, collector_id: int | None = None) -> QuerySet:
    """The agency's tickets, soonest response deadline first. ``status`` and
    ``collector_id`` must already be checked against the allow-lists."""
    tickets = _tickets_base(agency=agency)
    if status in TICKET_STATUS_FILTERS:
        tickets = tickets.filter(status=status)
    if collector_id is not None:
        tickets = tickets.filter(complaint__collector_id=collector_id, complaint__collector__agency=agency)
    return tickets.order_by(F("response_target__due_at").asc(nulls_last=True), "-opened_at", "pk")


def agency_ticket(*, agency: Agency, reference: str) -> AgencyTicket:
    """The agency's ticket for a complaint reference, or Http404: the same
    for a reference that does not exist and one of another agency."""
    if not _storable(reference):
        raise Http404
    ticket = ticket_for_agency(agency=agency, reference=reference)
    return _tickets_base(agency=agency).get(pk=ticket.pk)


def ticket_timeline(*, ticket: AgencyTicket) -> QuerySet:
    return timeline_for_ticket(ticket=ticket).order_by("at", "pk")


def ticket_evidence(*, ticket: AgencyTicket) -> QuerySet:
    """The agency's own files, and the borrower's where they agreed to share."""
    return evidence_for_ticket(ticket=ticket).order_by("uploaded_at", "pk")


def ticket_evidence_file(*, agency: Agency, reference: str, token: str):
    ticket = agency_ticket(agency=agency, reference=reference)
    if not _storable(token):
        raise Http404
    evidence = ticket_evidence(ticket=ticket).filter(token=token).first()
    if evidence is None:
        raise Http404
    return evidence


def ticket_contact_events(*, ticket: AgencyTicket) -> QuerySet:
    """This agency's contacts with the account in the week either side of
    the incident."""
    complaint = ticket.complaint
    if complaint.account_id is None:
        return ContactEvent.objects.none()
    return (
        ContactEvent.objects.filter(
            account_id=complaint.account_id,
            agency_id=ticket.agency_id,
            occurred_at__gte=complaint.incident_at - CONTACT_WINDOW,
            occurred_at__lte=complaint.incident_at + CONTACT_WINDOW,
        )
        .select_related("collector", "second_collector")
        .order_by("occurred_at")
    )


def ticket_hold(*, ticket: AgencyTicket):
    """The hold on this agency's work on the account, if one is in force."""
    if ticket.complaint.account_id is None:
        return None
    return holds_for_account(account=ticket.complaint.account).filter(agency_id=ticket.agency_id).first()


# Restrictions on the agency's accounts ----------------------------------------


@dataclass(frozen=True)
class AccountRestriction:
    """What an agency may know of a restriction binding it: the account, the
    kind and the period; never its source (a complaint, the borrower's
    request, a vulnerability and its details)."""

    account: str
    kind: str
    kind_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None


def account_restrictions_for_agency(
    *, agency: Agency, now: datetime.datetime, account_reference: str | None = None, account_ids=None
) -> list[AccountRestriction]:
    """The restrictions in force now that bind the agency on the accounts
    assigned to it (only one account, if asked), by account reference."""
    if account_reference is not None:
        if not _storable(account_reference):
            return []
        account_ids = LoanAccount.objects.filter(reference=account_reference).values_list("pk", flat=True)
    by_account = restrictions_for_agency(agency=agency, at=now, account_ids=account_ids)
    references = dict(LoanAccount.objects.filter(pk__in=list(by_account)).values_list("pk", "reference"))
    labels = dict(Restriction.Kind.choices)
    rows = [
        AccountRestriction(
            account=references[account_id],
            kind=restriction.kind,
            kind_label=str(labels[restriction.kind]),
            starts_at=restriction.starts_at,
            ends_at=restriction.ends_at,
        )
        for account_id, restrictions in by_account.items()
        for restriction in restrictions
    ]
    return sorted(rows, key=lambda row: (row.account, row.starts_at, row.kind))


def ticket_restrictions(*, ticket: AgencyTicket, now: datetime.datetime) -> list[AccountRestriction]:
    """The restrictions binding the ticket's agency on the complaint's account now."""
    if ticket.complaint.account_id is None:
        return []
    return account_restrictions_for_agency(agency=ticket.agency, now=now, account_ids=[ticket.complaint.account_id])


# Access overview (managers) -------------------------------------------------


def agency_api_tokens(*, agency: Agency) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(agency=agency).order_by("-created_at")


def agency_api_calls(*, agency: Agency, limit: int = 50) -> QuerySet[ApiCallLog]:
    return ApiCallLog.objects.filter(agency=agency).select_related("token").order_by("-at")[:limit]


def agency_sign_in_attempts(*, agency: Agency, limit: int = 50) -> QuerySet[AgencySignInAttempt]:
    """Attempts by this agency's members (attempts under unknown names are
    not tied to any agency and are not shown)."""
    members = AgencyMembership.objects.filter(agency=agency).values("user_id")
    return AgencySignInAttempt.objects.filter(user_id__in=members).order_by("-at")[:limit]


def agency_ticket_summary(*, agency: Agency, now: datetime.datetime) -> dict[str, int]:
    """How many open tickets are breached, at risk and on track."""
    open_tickets = _tickets_base(agency=agency).filter(status=AgencyTicket.Status.OPEN)
    return open_tickets.aggregate(
        breached=Count("pk", filter=sla_state_q(SlaState.BREACHED, now=now, through="response_target")),
        at_risk=Count("pk", filter=sla_state_q(SlaState.AT_RISK, now=now, through="response_target")),
        open=Count("pk"),
    )
