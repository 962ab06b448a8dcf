"""Agency A can never read or change agency B's tickets, accounts, evidence
or preferences: every page and endpoint, tried with B's references."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import AgencyResponse, AgencyTicket
from complaints.uploads import check_upload
from loans.models import ContactEvent, Restriction, ScheduledMeasure
from loans.restrictions import restriction_place
from tests.factories import ContactPreferenceFactory

from .conftest import open_ticket

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def b_ticket_with_file(side_b):
    upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
    return open_ticket(side_b, files=[upload])


@pytest.fixture
def b_refs(b_ticket_with_file):
    return {
        "reference": b_ticket_with_file.complaint.reference,
        "token": b_ticket_with_file.complaint.evidence.get().token,
    }


WORKSPACE_GETS = ["agency:ticket", "agency:evidence"]
WORKSPACE_POSTS = [
    ("agency:respond", {"statement": "Not ours.", "remediation": "warned"}),
    ("agency:ask_extension", {"reason": "Not ours."}),
]


@pytest.mark.parametrize("name", WORKSPACE_GETS)
def test_workspace_page_of_other_agencys_ticket_is_404(client_a, b_refs, name):
    kwargs = {"reference": b_refs["reference"]}
    if name == "agency:evidence":
        kwargs["token"] = b_refs["token"]
    assert client_a.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_other_agencys_evidence_token_under_own_ticket_is_404(client_a, ticket_a, b_refs):
    url = reverse("agency:evidence", kwargs={"reference": ticket_a.complaint.reference, "token": b_refs["token"]})
    assert client_a.get(url).status_code == 404


@pytest.mark.parametrize(("name", "data"), WORKSPACE_POSTS)
def test_workspace_action_on_other_agencys_ticket_is_404_and_changes_nothing(client_a, b_refs, name, data):
    response = client_a.post(reverse(name, kwargs={"reference": b_refs["reference"]}), data)
    assert response.status_code == 404
    assert not AgencyResponse.objects.exists()
    assert not AgencyTicket.objects.exclude(extension_status="").exists()


def test_inbox_never_lists_other_agencys_tickets(client_a, ticket_a, b_refs):
    references = [ticket.complaint.reference for ticket in client_a.get(reverse("agency:inbox")).context["page"]]
    assert references == [ticket_a.complaint.reference]


def test_inbox_with_other_agencys_collector_shows_no_tickets_of_b(client_a, side_b, b_refs):
    response = client_a.get(reverse("agency:inbox"), {"collector": side_b.collector.pk})
    assert b_refs["reference"] not in response.content.decode()


def test_preferences_page_never_shows_other_agencys_borrowers(client_a, side_a, side_b):
    ContactPreferenceFactory(borrower=side_a.account.borrower)
    ContactPreferenceFactory(borrower=side_b.account.borrower)
    content = client_a.get(reverse("agency:preferences")).content.decode()
    assert side_a.account.reference in content
    assert side_b.account.reference not in content


API_GETS = ["tickets/{reference}/", "tickets/{reference}/evidence/{token}/"]
API_POSTS = [
    ("tickets/{reference}/responses/", {"statement": "Not ours.", "remediation": "warned"}),
    ("tickets/{reference}/extension-requests/", {"reason": "Not ours."}),
]


@pytest.mark.parametrize("path", API_GETS)
def test_api_read_of_other_agencys_ticket_is_404(client, side_a, b_refs, path):
    assert client.get("/api/v1/" + path.format(**b_refs), **side_a.auth).status_code == 404


@pytest.mark.parametrize(("path", "body"), API_POSTS)
def test_api_write_on_other_agencys_ticket_is_404_and_changes_nothing(client, side_a, b_refs, path, body):
    response = client.post(
        "/api/v1/" + path.format(**b_refs), data=json.dumps(body), content_type="application/json", **side_a.auth
    )
    assert response.status_code == 404
    assert not AgencyResponse.objects.exists()
    assert not AgencyTicket.objects.exclude(extension_status="").exists()


def test_api_other_agencys_evidence_token_under_own_ticket_is_404(client, side_a, ticket_a, b_refs):
    url = f"/api/v1/tickets/{ticket_a.complaint.reference}/evidence/{b_refs['token']}/"
    assert client.get(url, **side_a.auth).status_code == 404


def test_api_ticket_list_never_shows_other_agencys_tickets(client, side_a, b_refs):
    assert client.get("/api/v1/tickets/", **side_a.auth).json()["count"] == 0


def test_api_contact_event_on_other_agencys_account_is_rejected(client, side_a, side_b):
    item = {
        "external_id": "x",
        "account": side_b.account.reference,
        "occurred_at": "2026-01-05T10:00:00+08:00",
        "channel": "letter",
        "party": "borrower",
        "outcome": "delivered",
    }
    body = client.post(
        "/api/v1/contact-events/", data=json.dumps({"items": [item]}), content_type="application/json", **side_a.auth
    ).json()
    assert body["rejected"] == 1
    assert not ContactEvent.objects.exists()


def test_api_measure_on_other_agencys_account_is_rejected(client, side_a, side_b):
    item = {
        "external_id": "x",
        "account": side_b.account.reference,
        "kind": "home_visit",
        "planned_for": "2099-01-05T10:00:00+08:00",
    }
    body = client.post(
        "/api/v1/scheduled-measures/",
        data=json.dumps({"items": [item]}),
        content_type="application/json",
        **side_a.auth,
    ).json()
    assert body["rejected"] == 1
    assert not ScheduledMeasure.objects.exists()


def test_api_preferences_never_include_other_agencys_accounts(client, side_a, side_b):
    ContactPreferenceFactory(borrower=side_b.account.borrower)
    body = client.get("/api/v1/contact-preferences/", {"account": side_b.account.reference}, **side_a.auth).json()
    assert body["count"] == 0


def test_api_restrictions_asked_for_other_agencys_account_show_none_of_its_rows(client, side_a, side_b):
    placed = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
    restriction_place(
        borrower=side_b.account.borrower,
        kind=Restriction.Kind.STRICTER_CARE,
        source="request:R2611B",
        starts_at=placed,
        now=placed,
    )
    body = client.get("/api/v1/account-restrictions/", {"account": side_b.account.reference}, **side_a.auth).json()
    assert body["results"] == []


def test_agency_user_session_cannot_use_the_api(client_a, b_refs):
    assert client_a.get(f"/api/v1/tickets/{b_refs['reference']}/").status_code == 401


def test_b_token_sees_its_own_ticket(client, side_b, b_refs):
    """The control: the same request with B's token succeeds."""
    assert client.get(f"/api/v1/tickets/{b_refs['reference']}/", **side_b.auth).status_code == 200


def test_nul_in_an_api_path_is_404(client, side_a, ticket_a):
    assert client.get("/api/v1/tickets/A%00B/", **side_a.auth).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/contact-preferences/?account=A%00B", "/api/v1/tickets/?status=%00"])
def test_nul_in_an_api_query_is_a_json_400(client, side_a, ticket_a, path):
    response = client.get(path, **side_a.auth)
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")


def test_nul_in_evidence_token_is_404(client, side_a, ticket_a):
    assert (
        client.get(f"/api/v1/tickets/{ticket_a.complaint.reference}/evidence/a%00b/", **side_a.auth).status_code == 404
    )
