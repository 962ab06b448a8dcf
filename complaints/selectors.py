"""Reads, each scoped to who is asking. Views never look complaints up by
anything a user typed except through these."""

from django.db.models import Q, QuerySet
from django.http import Http404

from agencies.models import Agency

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
_VISIBLE = {
    "borrower": (TimelineEvent.Visibility.ALL, TimelineEvent.Visibility.BORROWER),
    "agency": (TimelineEvent.Visibility.ALL, TimelineEvent.Visibility.AGENCY),
    "staff": tuple(TimelineEvent.Visibility.values),
}


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
    ticket = tickets_for_agency(agency=agency).filter(complaint__reference=(reference or "").upper()).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


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


def evidence_visible_to_agency(*, agency: Agency) -> QuerySet[Evidence]:
    """The agency's own files on its tickets, and the borrower's only where
    the borrower agreed to share them."""
    return Evidence.objects.filter(complaint__ticket__agency=agency, purged_at__isnull=True).filter(
        Q(party=Party.AGENCY) | Q(party=Party.BORROWER, complaint__consent_to_share=True)
    )


def evidence_for_agency(*, agency: Agency, token: str) -> Evidence:
    evidence = evidence_visible_to_agency(agency=agency).filter(token=token).select_related("complaint").first()
    if evidence is None:
        raise Http404("No such file.")
    return evidence


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
    return complaint.timeline.filter(visibility__in=_VISIBLE[audience]).select_related("author")


def evidence_list_for(*, complaint: Complaint, audience: str) -> QuerySet[Evidence]:
    queryset = complaint.evidence.filter(purged_at__isnull=True)
    if audience == "borrower":
        return queryset.filter(party=Party.BORROWER)
    if audience == "agency":
        if complaint.consent_to_share:
            return queryset.filter(party__in=(Party.AGENCY, Party.BORROWER))
        return queryset.filter(party=Party.AGENCY)
    return queryset


def holds_for_account(*, account) -> QuerySet[Hold]:
    """Holds still in force on the account."""
    return Hold.objects.filter(account=account, lifted_at__isnull=True).select_related("agency", "complaint")


def open_targets_for(*, complaint: Complaint) -> QuerySet[SLATarget]:
    return complaint.sla_targets.filter(met_at__isnull=True, cancelled_at__isnull=True).order_by("due_at")


def categories_grouped() -> list[tuple[str, list[Category]]]:
    """Active categories under their group labels, in taxonomy order."""
    groups: dict[str, list[Category]] = {}
    for category in Category.objects.filter(is_active=True).order_by("position", "code"):
        groups.setdefault(category.group, []).append(category)
    return [(str(CategoryGroup(code).label), items) for code, items in groups.items()]
