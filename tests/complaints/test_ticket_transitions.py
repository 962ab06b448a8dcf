"""Agency ticket statuses change only through the table and its one step."""

import pytest
from django.db import transaction

from complaints import services
from complaints.models import AgencyTicket, TimelineEvent
from complaints.services import ComplaintTransitionError
from complaints.services.tickets import ticket_move
from complaints.services.transitions import lock
from tests.factories import UserFactory

from .test_transitions import LATER, decide

pytestmark = pytest.mark.django_db

Status = AgencyTicket.Status


def status_events(complaint):
    return TimelineEvent.objects.filter(complaint=complaint, kind=TimelineEvent.Kind.TICKET_STATUS_CHANGED)


def test_every_ticket_status_has_a_row_in_the_table():
    assert set(AgencyTicket.TRANSITIONS) == set(Status.values)


def test_ticket_move_refuses_a_move_the_table_does_not_allow(routed):
    complaint = routed()
    ticket = complaint.ticket
    AgencyTicket.objects.filter(pk=ticket.pk).update(status=Status.MOVED)
    with pytest.raises(ComplaintTransitionError), transaction.atomic():
        ticket_move(complaint=lock(complaint), ticket=ticket, to=Status.RESPONDED, now=LATER)
    assert AgencyTicket.objects.get(pk=ticket.pk).status == Status.MOVED


def test_deciding_a_complaint_closes_its_ticket_with_a_timeline_event(routed, agency):
    complaint = routed()
    ticket = complaint.ticket
    decide(complaint, UserFactory(is_staff=True), LATER)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == (Status.CLOSED, LATER)
    event = status_events(complaint).get()
    assert (event.data, event.agency_id, event.visibility) == (
        {"ticket": ticket.pk, "from": Status.OPEN, "to": Status.CLOSED},
        agency.pk,
        TimelineEvent.Visibility.INTERNAL,
    )


def test_withdrawing_a_complaint_closes_its_ticket_with_a_timeline_event(routed):
    complaint = routed()
    services.complaint_withdraw(complaint=complaint, borrower=complaint.borrower, user=None, reason="", now=LATER)
    assert complaint.ticket.status == Status.CLOSED
    assert status_events(complaint).get().data["to"] == Status.CLOSED
