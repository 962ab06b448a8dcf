"""The complaint page offers each action only in the states that allow it."""

import pytest
from django.urls import reverse

from agencies.models import Agency
from complaints.actions import complaint_actions_allowed
from complaints.models import AgencyTicket, Complaint, Hold, Status
from complaints.services import complaint_resolve, complaint_route, complaint_start_review
from tests.factories import AgencyFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

OPEN_ALWAYS = {"assign_to_me", "assign", "move_to_agency", "set_severity", "request_information", "extend"}
WORKING = OPEN_ALWAYS | {"send_to_agency", "start_review", "escalate", "resolve", "merge"}
# Per state, exactly what may be offered (no hold, no agency request waiting).
EXPECTED = {
    Status.SUBMITTED: OPEN_ALWAYS | {"acknowledge", "escalate", "merge"},
    Status.ACKNOWLEDGED: OPEN_ALWAYS | {"send_to_agency", "start_review", "escalate", "merge"},
    Status.WITH_AGENCY: OPEN_ALWAYS | {"start_review", "escalate", "merge"},
    Status.AGENCY_RESPONDED: WORKING,
    Status.UNDER_REVIEW: WORKING - {"start_review"},
    Status.ESCALATED: WORKING - {"escalate"},
    Status.REOPENED: WORKING,
    Status.RESOLVED: {"merge", "reopen", "escalate"},
    Status.CLOSED: {"reopen"},
    Status.WITHDRAWN: set(),
}


@pytest.mark.parametrize("status", list(Status))
def test_each_state_allows_exactly_its_actions(status):
    assert complaint_actions_allowed(complaint=Complaint(status=status)) == EXPECTED[status]


def test_a_merged_complaint_is_not_offered_reopening():
    complaint = Complaint(status=Status.CLOSED, closed_reason=Complaint.ClosedReason.MERGED)
    assert complaint_actions_allowed(complaint=complaint) == set()


def test_no_question_while_one_is_waiting_and_no_third_extension():
    complaint = Complaint(status=Status.UNDER_REVIEW, waiting_on_borrower_since=NOW, extension_count=2)
    assert not {"request_information", "extend"} & complaint_actions_allowed(complaint=complaint)


def test_a_pending_agency_request_and_an_open_hold_are_offered():
    complaint = Complaint(status=Status.WITH_AGENCY)
    ticket = AgencyTicket(extension_status=AgencyTicket.ExtensionStatus.REQUESTED)
    allowed = complaint_actions_allowed(complaint=complaint, ticket=ticket, hold=Hold())
    assert {"approve_extension", "refuse_extension", "lift_hold"} <= allowed


@pytest.fixture
def in_house(db):
    """Routing sends each complaint to the lender's own team."""
    return AgencyFactory(kind=Agency.Kind.IN_HOUSE)


def offered(client, complaint) -> set[str]:
    response = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    return {operation.name for operation in response.context["operations"]}


def test_a_routed_complaint_is_not_offered_acknowledge_or_send(client_for, supervisor, submit, in_house):
    complaint = complaint_route(complaint_id=submit().pk, now=NOW)
    assert complaint.status == Status.WITH_AGENCY
    names = offered(client_for(supervisor), complaint)
    assert not {"acknowledge", "send_to_agency"} & names
    assert {"start_review", "escalate"} <= names


def test_a_decided_complaint_is_not_offered_decision_or_extension(client_for, supervisor, submit, in_house):
    complaint = complaint_route(complaint_id=submit().pk, now=NOW)
    complaint = complaint_start_review(complaint=complaint, by=supervisor, now=NOW)
    complaint_resolve(
        complaint=complaint,
        by=supervisor,
        resolution_type="explanation",
        finding="not_substantiated",
        explanation="No breach found.",
        now=NOW,
    )
    names = offered(client_for(supervisor), complaint)
    assert names <= {"reopen", "merge", "escalate"}
    assert "reopen" in names


def test_the_page_says_acknowledging_and_routing_are_automatic(client_for, supervisor, submit):
    complaint = submit()
    response = client_for(supervisor).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert "happen automatically" in response.content.decode()
