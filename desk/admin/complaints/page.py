"""What the complaint page shows: the complaint with its clocks, timeline,
the contacts around the incident with their breaches, tickets and hold.
Reads only; what staff may do there is the admin's to decide."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext

from complaints.models import AgencyTicket, Complaint, Evidence, Hold, SLATarget, TimelineEvent
from conduct.selectors import breaches_of_contacts
from loans.models import ContactEvent

CONTACT_WINDOW = datetime.timedelta(days=7)
CONTACTS_SHOWN = 50

BORROWER_KINDS = {
    TimelineEvent.Kind.SUBMITTED,
    TimelineEvent.Kind.BORROWER_REPLIED,
    TimelineEvent.Kind.DECISION_ACCEPTED,
    TimelineEvent.Kind.DECISION_REJECTED,
    TimelineEvent.Kind.REVIEW_REQUESTED,
    TimelineEvent.Kind.WITHDRAWN,
    TimelineEvent.Kind.RATED,
}
AGENCY_KINDS = {TimelineEvent.Kind.AGENCY_RESPONDED, TimelineEvent.Kind.EXTENSION_REQUESTED}


@dataclass
class ComplaintPage:
    complaint: Complaint
    targets: list[SLATarget]
    timeline: list[dict]
    contacts: list[ContactEvent]
    evidence: list[Evidence]
    # Newest first: the current ticket, then any the complaint moved from.
    tickets: list[AgencyTicket]
    ticket: AgencyTicket | None
    hold: Hold | None


def timeline_party(event: TimelineEvent, complaint: Complaint) -> tuple[str, str]:
    """Who an entry comes from, as a CSS class and a word (the word is what
    tells them apart without colour)."""
    if event.kind in BORROWER_KINDS or (event.author_id and event.author_id == complaint.borrower.user_id):
        return "borrower", gettext("Borrower")
    if event.kind in AGENCY_KINDS or (event.author_id and hasattr(event.author, "agency_membership")):
        return "agency", gettext("Agency")
    if event.visibility == TimelineEvent.Visibility.INTERNAL:
        return "internal", gettext("Internal (staff only)")
    if event.author_id is None:
        return "system", gettext("System")
    audience = {
        TimelineEvent.Visibility.BORROWER: gettext("Staff → borrower"),
        TimelineEvent.Visibility.AGENCY: gettext("Staff → agency"),
        TimelineEvent.Visibility.ALL: gettext("Staff → borrower and agency"),
    }
    return "staff", audience.get(event.visibility, gettext("Staff"))


def complaint_page(*, complaint_pk: int) -> ComplaintPage:
    """The complaint page's rows. The caller has fetched the complaint
    through the admin, which checked the staff member may see it."""
    complaint = (
        Complaint.objects.select_related(
            "borrower",
            "account__stage",
            "agency",
            "collector",
            "category",
            "assignee",
            "merged_into",
            "contact_event__agency",
            "contact_event__collector",
        )
        .prefetch_related("duplicates")
        .get(pk=complaint_pk)
    )
    targets = list(complaint.sla_targets.order_by("started_at", "pk"))
    events = list(complaint.timeline.select_related("author", "author__agency_membership").order_by("at", "pk"))
    timeline = [{"event": event, "party": timeline_party(event, complaint)} for event in events]
    contacts = _contacts_around_incident(complaint)
    tickets = list(
        complaint.tickets.select_related("agency").prefetch_related("responses__author").order_by("-opened_at")
    )
    return ComplaintPage(
        complaint=complaint,
        targets=targets,
        timeline=timeline,
        contacts=contacts,
        evidence=list(complaint.evidence.all()),
        tickets=tickets,
        ticket=next((t for t in tickets if not t.is_moved), None),
        hold=getattr(complaint, "hold", None) if _has_related(complaint, "hold") else None,
    )


def _contacts_around_incident(complaint: Complaint) -> list[ContactEvent]:
    """The account's contacts within a week of the incident, and the one the
    borrower linked, each with the breaches the rulebook found in it."""
    contacts = []
    if complaint.account_id:
        contacts = list(
            ContactEvent.objects.filter(
                account_id=complaint.account_id,
                occurred_at__gte=complaint.incident_at - CONTACT_WINDOW,
                occurred_at__lte=complaint.incident_at + CONTACT_WINDOW,
            )
            .select_related("agency", "collector", "second_collector")
            .order_by("occurred_at")[:CONTACTS_SHOWN]
        )
    linked = complaint.contact_event
    if linked is not None and linked.pk not in {contact.pk for contact in contacts}:
        contacts.insert(0, linked)
    breaches = breaches_of_contacts(contact.pk for contact in contacts)
    for contact in contacts:
        contact.conduct_breaches = breaches.get(contact.pk, [])
    return contacts


def _has_related(obj, name: str) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist of a reverse one-to-one
        return False
    return True
