"""A clock paused while the platform waits for the borrower moves the
agency's deadline too: the desk, the agency workspace and the agency API
read the same clock and judge it by the same rule."""

import datetime

import pytest

from complaints import services
from complaints.models import Complaint, SLATarget
from complaints.sla_state import SlaState
from desk.sla import sla_badge, sla_state_filter
from tests.factories import UserFactory
from workspace.api.serializers import TicketSerializer
from workspace.selectors import agency_ticket_summary, agency_tickets, sla_state

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


ROUTED = at(2026, 11, 25, 10, 0)
ASKED = at(2026, 11, 25, 11, 0)
# Three days later, on the Saturday.
REPLIED = at(2026, 11, 28, 11, 0)


def agency_clock(complaint) -> SLATarget:
    return complaint.sla_targets.get(kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, cancelled_at__isnull=True)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def asked(routed, staff):
    """A complaint with the agency, the borrower asked a question; with the
    agency deadline as it stood before the pause."""
    complaint = routed(now=ROUTED)
    first_due = agency_clock(complaint).due_at
    services.complaint_request_information(complaint=complaint, by=staff, question="Which number?", now=ASKED)
    return complaint, first_due


def test_agency_deadline_moves_with_its_clock_when_the_borrower_replies(asked, agency):
    complaint, first_due = asked
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=None, text="021 6123 4567", now=REPLIED
    )
    clock = agency_clock(complaint)
    now = first_due + datetime.timedelta(hours=1)
    assert clock.due_at > now

    ticket = agency_tickets(agency=agency).get()
    workspace = sla_state(ticket, now=now)
    ticket.sla_state = workspace
    api = TicketSerializer(ticket).data
    desk = sla_badge(Complaint.objects.get(pk=complaint.pk).sla_targets.all(), now=now).state

    assert (workspace, api["sla_state"], desk) == (SlaState.ON_TRACK,) * 3
    assert ticket.response_due_at == clock.due_at
    assert api["response_due_at"] == TicketSerializer().fields["response_due_at"].to_representation(clock.due_at)
    assert agency_ticket_summary(agency=agency, now=now)["breached"] == 0
    assert list(sla_state_filter(Complaint.objects.all(), state=SlaState.ON_TRACK, now=now)) == [complaint]


def test_workspace_shows_a_ticket_paused_past_its_first_deadline_as_paused(asked, agency):
    _complaint, first_due = asked
    now = first_due + datetime.timedelta(hours=1)
    ticket = agency_tickets(agency=agency).get()
    assert sla_state(ticket, now=now) == SlaState.PAUSED
    assert agency_ticket_summary(agency=agency, now=now)["breached"] == 0
