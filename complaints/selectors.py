"""Reads, each scoped to who is asking. Views never look complaints up by
anything a user typed except through these."""

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404

from agencies.models import Agency
from common.memo import Memo

from .models import (
    AgencyTicket,
    Category,
    CategoryGroup,
    Complaint,
    Evidence,
    Hold,
    Party,
    SLATarget,
    TimelineEvent,
)

AUDIENCES = ("borrower", "agency", "staff")


def complaints_for_borrower(*, borrower) -> QuerySet[Complaint]:
    return Complaint.objects.filter(borrower=borrower).select_related("category", "account", "agency")


def complaint_for_borrower(*, borrower, reference: str) -> Complaint:
    """The borrower's own complaint, or 404 (the same for one that exists
    but is someone else's)."""
    complaint = complaints_for_borrower(borrower=borrower).filter(reference=(reference or "").upper()).first()
    if complaint is None:
        raise Http404("No such complaint.")
    return complaint


def tickets_for_agency(*, agency: Agency) -> QuerySet[AgencyTicket]:
    return AgencyTicket.objects.filter(agency=agency).select_related(
        "complaint", "complaint__category", "complaint__account", "complaint__collector"
    )


def ticket_for_agency(*, agency: Agency, reference: str) -> AgencyTicket:
    """The agency's ticket for the reference: its current one, else the one
    the complaint moved away from. Else 404."""
    ticket = (
        tickets_for_agency(agency=agency)
        .filter(complaint__reference=(reference or "").upper())
        .order_by(Case(When(status=AgencyTicket.Status.MOVED, then=Value(1)), default=Value(0)), "-opened_at")
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def timeline_for_ticket(*, ticket: AgencyTicket) -> QuerySet[TimelineEvent]:
    """What the ticket's agency may read: what every agency may, and what
    concerns its own handling, never another agency's. A ticket the
    complaint moved away from stops at the move."""
    events = timeline_for(complaint=ticket.complaint, audience="agency").filter(
        Q(agency__isnull=True) | Q(agency_id=ticket.agency_id)
    )
    if ticket.is_moved:
        events = events.filter(at__lte=ticket.closed_at)
    return events


def evidence_for_ticket(*, ticket: AgencyTicket) -> QuerySet[Evidence]:
    """The agency's own files, and the borrower's where they agreed to
    share; never another agency's. A moved ticket stops at the move."""
    complaint = ticket.complaint
    shown = Q(party=Party.AGENCY, agency_id=ticket.agency_id)
    if complaint.consent_to_share:
        shown |= Q(party=Party.BORROWER)
    files = complaint.evidence.filter(purged_at__isnull=True).filter(shown)
    if ticket.is_moved:
        files = files.filter(uploaded_at__lte=ticket.closed_at)
    return files


def evidence_for_borrower(*, borrower, token: str) -> Evidence:
    """Files on the borrower's own complaints (their own and, once the
    agency shares them with the platform, the agency's are not shown)."""
    evidence = (
        Evidence.objects.filter(complaint__borrower=borrower, party=Party.BORROWER, token=token, purged_at__isnull=True)
        .select_related("complaint")
        .first()
    )
    if evidence is None:
        raise Http404("No such file.")
    return evidence


def evidence_for_agency(*, agency: Agency, token: str) -> Evidence:
    """A file one of the agency's tickets shows, or 404."""
    evidence = Evidence.objects.filter(token=token, purged_at__isnull=True).select_related("complaint").first()
    if evidence is not None:
        tickets = tickets_for_agency(agency=agency).filter(complaint_id=evidence.complaint_id)
        if any(evidence_for_ticket(ticket=t).filter(pk=evidence.pk).exists() for t in tickets):
            return evidence
    raise Http404("No such file.")


def evidence_for_staff(*, user, token: str) -> Evidence:
    if not (user.is_active and user.is_staff and user.has_perm("complaints.view_complaint_evidence")):
        raise Http404("No such file.")
    evidence = Evidence.objects.filter(token=token, purged_at__isnull=True).select_related("complaint").first()
    if evidence is None:
        raise Http404("No such file.")
    return evidence


def evidence_for_user(*, user, token: str) -> Evidence:
    """Whoever asks: the borrower who owns the complaint, a member of the
    complaint's agency, or staff with the permission. Else 404."""
    borrower = getattr(user, "borrower", None)
    if borrower is not None:
        return evidence_for_borrower(borrower=borrower, token=token)
    membership = getattr(user, "agency_membership", None)
    if membership is not None:
        return evidence_for_agency(agency=membership.agency, token=token)
    return evidence_for_staff(user=user, token=token)


def timeline_for(*, complaint: Complaint, audience: str) -> QuerySet[TimelineEvent]:
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}")
    return complaint.timeline.filter(visibility__in=TimelineEvent.Visibility.readable_by(audience)).select_related(
        "author"
    )


def evidence_list_for(*, complaint: Complaint, audience: str) -> QuerySet[Evidence]:
    """The borrower's or the staff's view; an agency's goes through its
    ticket (``evidence_for_ticket``)."""
    queryset = complaint.evidence.filter(purged_at__isnull=True)
    if audience == "borrower":
        return queryset.filter(party=Party.BORROWER)
    if audience == "staff":
        return queryset
    raise ValueError(f"Unknown audience {audience!r}")


def holds_for_account(*, account) -> QuerySet[Hold]:
    """Holds still in force on the account."""
    return Hold.objects.filter(account=account, lifted_at__isnull=True).select_related("agency", "complaint")


def open_targets_for(*, complaint: Complaint) -> QuerySet[SLATarget]:
    return complaint.sla_targets.filter(met_at__isnull=True, cancelled_at__isnull=True).order_by("due_at")


# Read on every complaint form and every complaint filed, edited a few times
# a year: kept per process (``apps.py`` connects the edits).
active_categories: Memo[list[Category]] = Memo(
    "complaints.active-categories",
    lambda: list(Category.objects.filter(is_active=True).order_by("position", "code")),
)


def categories_grouped(categories: list[Category] | None = None) -> list[tuple[str, list[Category]]]:
    """Active categories (or those given, from ``active_categories``) under
    their group labels (in the active language), in taxonomy order. The
    categories are shared by the process: read only."""
    groups: dict[str, list[Category]] = {}
    for category in active_categories.get() if categories is None else categories:
        groups.setdefault(category.group, []).append(category)
    return [(str(CategoryGroup(code).label), items) for code, items in groups.items()]
