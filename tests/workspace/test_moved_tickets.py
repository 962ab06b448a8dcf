"""A complaint moved from agency A to agency B: each agency sees only its
own side of it, in the workspace and over the API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import AgencyTicket
from complaints.uploads import check_upload
from tests.factories import UserFactory

from .conftest import open_ticket, sign_in_session

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATEMENT = "A-statement: our collector denies calling."


@pytest.fixture
def moved(side_a, side_b):
    """A's ticket, answered by A with a file, then moved to B and sent."""
    ticket = open_ticket(side_a)
    services.agency_response_submit(
        ticket=ticket,
        user=side_a.user,
        statement=STATEMENT,
        remediation="warned",
        files=[check_upload(SimpleUploadedFile("a-log.pdf", PDF, content_type="application/pdf"))],
        now=timezone.now(),
    )
    staff = UserFactory(is_staff=True)
    complaint = ticket.complaint
    services.complaint_move_to_agency(
        complaint=complaint, agency=side_b.agency, by=staff, reason="B's number called.", now=timezone.now()
    )
    services.complaint_send_to_agency(
        complaint=complaint, by=staff, message="Answer for your call.", now=timezone.now()
    )
    return complaint


def api(complaint, suffix=""):
    return f"/api/v1/tickets/{complaint.reference}/{suffix}"


def a_file_token(complaint) -> str:
    return complaint.evidence.get(party="agency").token


def test_api_shows_the_first_agency_its_ticket_as_moved(client, side_a, moved):
    body = client.get(api(moved), **side_a.auth).json()
    assert (body["status"], body["sla_state"]) == ("moved", "moved")


def test_api_refuses_the_first_agencys_late_response(client, side_a, moved):
    response = client.post(
        api(moved, "responses/"),
        data=json.dumps({"statement": "Late.", "remediation": "warned"}),
        content_type="application/json",
        **side_a.auth,
    )
    assert response.status_code == 409


def test_api_lists_moved_tickets_under_their_own_status(client, side_a, moved):
    assert client.get("/api/v1/tickets/", {"status": "moved"}, **side_a.auth).json()["count"] == 1
    assert client.get("/api/v1/tickets/", {"status": "open"}, **side_a.auth).json()["count"] == 0


def test_api_shows_the_new_agency_none_of_the_first_agencys_answer(client, side_b, moved):
    response = client.get(api(moved), **side_b.auth)
    body = json.dumps(response.json(), ensure_ascii=False)
    assert response.status_code == 200
    assert STATEMENT not in body
    assert "a-log.pdf" not in body


def test_api_refuses_the_new_agency_the_first_agencys_file(client, side_b, moved):
    assert client.get(api(moved, f"evidence/{a_file_token(moved)}/"), **side_b.auth).status_code == 404


def test_api_still_gives_the_first_agency_its_own_file(client, side_a, moved):
    assert client.get(api(moved, f"evidence/{a_file_token(moved)}/"), **side_a.auth).status_code == 200


def test_workspace_tells_the_first_agency_and_offers_no_response_form(client, side_a, moved):
    page = sign_in_session(client, side_a).get(
        reverse("agency:ticket", kwargs={"reference": moved.reference}), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "found another agency responsible and moved this complaint" in html
    assert 'name="statement"' not in html


def test_workspace_shows_the_new_agency_none_of_the_first_agencys_answer(client, side_b, moved):
    page = sign_in_session(client, side_b).get(reverse("agency:ticket", kwargs={"reference": moved.reference}))
    html = page.content.decode()
    assert page.status_code == 200
    assert STATEMENT not in html
    assert "a-log.pdf" not in html


def test_workspace_refuses_the_new_agency_the_first_agencys_file(client, side_b, moved):
    url = reverse("agency:evidence", kwargs={"reference": moved.reference, "token": a_file_token(moved)})
    assert sign_in_session(client, side_b).get(url).status_code == 404


def test_evidence_link_refuses_the_new_agency_the_first_agencys_file(client, side_b, moved):
    url = reverse("complaints:evidence", kwargs={"token": a_file_token(moved)})
    assert sign_in_session(client, side_b).get(url).status_code == 404


def test_workspace_hides_the_platforms_message_to_the_new_agency_from_the_first(client, side_a, moved):
    html = (
        sign_in_session(client, side_a)
        .get(reverse("agency:ticket", kwargs={"reference": moved.reference}))
        .content.decode()
    )
    assert "Answer for your call." not in html
    assert AgencyTicket.objects.get(complaint=moved, agency=side_a.agency).is_moved
