"""An agency's request for more time that is still waiting when its
complaint ends closes with it, in the same transaction."""

import pytest

from agencies.models import AgencyMembership
from complaints import services
from complaints.models import AgencyTicket, TimelineEvent
from complaints.services import ComplaintTransitionError
from tests.factories import UserFactory

from .test_transitions import LATER, decide

pytestmark = pytest.mark.django_db

LAPSED = AgencyTicket.ExtensionStatus.LAPSED


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def supervisor(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def agency_user(agency):
    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=agency)
    return user


@pytest.fixture
def asked(routed, agency_user):
    """A complaint with the agency, whose agency has asked for more time."""
    complaint = routed()
    services.agency_extension_request(ticket=complaint.ticket, user=agency_user, reason="Collector on leave", now=LATER)
    return complaint


def end(how: str, complaint, *, staff, routed) -> None:
    if how == "decided":
        decide(complaint, staff, LATER)
    elif how == "withdrawn":
        services.complaint_withdraw(
            complaint=complaint, borrower=complaint.borrower, user=complaint.borrower.user, reason="Sorted", now=LATER
        )
    else:
        services.complaint_merge(duplicate=complaint, primary=routed(), by=staff, now=LATER)


@pytest.mark.parametrize("how", ["decided", "withdrawn", "merged"])
def test_waiting_request_closes_when_the_complaint_ends(asked, staff, routed, how):
    end(how, asked, staff=staff, routed=routed)
    ticket = AgencyTicket.objects.get(complaint=asked)
    assert (ticket.status, ticket.extension_status) == (AgencyTicket.Status.CLOSED, LAPSED)


def test_closed_request_is_on_the_agencys_timeline(asked, staff):
    decide(asked, staff, LATER)
    event = asked.timeline.get(kind=TimelineEvent.Kind.EXTENSION_LAPSED)
    assert (event.at, event.visibility, event.agency_id) == (LATER, TimelineEvent.Visibility.AGENCY, asked.agency_id)


def test_closed_request_can_no_longer_be_approved(asked, staff, supervisor):
    decide(asked, staff, LATER)
    with pytest.raises(ComplaintTransitionError) as refused:
        services.agency_extension_approve(ticket=asked.ticket, by=supervisor, now=LATER)
    assert refused.value.code == "no_request"


def test_decided_or_refused_request_is_left_as_it_was(asked, staff, supervisor):
    services.agency_extension_refuse(ticket=asked.ticket, by=supervisor, reason="Answer now", now=LATER)
    decide(asked, staff, LATER)
    assert AgencyTicket.objects.get(complaint=asked).extension_status == AgencyTicket.ExtensionStatus.REFUSED
    assert not asked.timeline.filter(kind=TimelineEvent.Kind.EXTENSION_LAPSED).exists()


def test_closing_a_complaint_without_a_request_adds_no_event(routed, staff):
    complaint = routed()
    decide(complaint, staff, LATER)
    assert not complaint.timeline.filter(kind=TimelineEvent.Kind.EXTENSION_LAPSED).exists()
