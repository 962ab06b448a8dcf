import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import AgencyResponse, AgencyTicket, SLATarget, TimelineEvent
from complaints.uploads import check_upload

from .conftest import open_ticket, response_clock

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(ticket, suffix=""):
    return f"/api/v1/tickets/{ticket.complaint.reference}/{suffix}"


def post(client, side, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json", **side.auth)


def test_list_shows_own_tickets_with_sla_state(client, side_a, ticket_a, ticket_b):
    body = client.get("/api/v1/tickets/", **side_a.auth).json()
    assert [row["reference"] for row in body["results"]] == [ticket_a.complaint.reference]
    assert body["results"][0]["sla_state"] == "on_track"
    assert body["results"][0]["account"] == side_a.account.reference


def test_list_filters_by_status(client, side_a, ticket_a):
    assert client.get("/api/v1/tickets/", {"status": "closed"}, **side_a.auth).json()["count"] == 0
    assert client.get("/api/v1/tickets/", {"status": "open"}, **side_a.auth).json()["count"] == 1


def test_unknown_status_filter_is_ignored(client, side_a, ticket_a):
    assert client.get("/api/v1/tickets/", {"status": "agency__api_tokens"}, **side_a.auth).json()["count"] == 1


def test_detail_masks_borrower_and_hides_internal_timeline(client, side_a, ticket_a):
    TimelineEvent.objects.create(
        complaint=ticket_a.complaint, at=timezone.now(), kind="note", visibility="internal", text="internal-xyz"
    )
    response = client.get(url(ticket_a), **side_a.auth)
    assert response.status_code == 200
    body = response.json()
    assert body["borrower_name"] != ticket_a.complaint.borrower.name
    assert "internal-xyz" not in json.dumps(body, ensure_ascii=False)
    assert body["description"] == ticket_a.complaint.description
    assert body["account_on_hold"] is False


def test_detail_reference_is_case_insensitive(client, side_a, ticket_a):
    assert client.get(url(ticket_a).lower(), **side_a.auth).status_code == 200


def test_response_is_recorded_and_stops_the_clock(client, side_a, ticket_a):
    response = post(
        client, side_a, url(ticket_a, "responses/"), {"statement": "Logs checked.", "remediation": "warned"}
    )
    assert response.status_code == 201
    ticket_a.refresh_from_db()
    assert ticket_a.status == AgencyTicket.Status.RESPONDED
    assert SLATarget.objects.get(complaint=ticket_a.complaint, kind="agency_first_response").met_at is not None
    stored = AgencyResponse.objects.get()
    assert stored.author.agency_membership.agency == side_a.agency
    assert not stored.author.is_active
    assert not stored.author.has_usable_password()


def test_response_with_no_action_needs_a_reason(client, side_a, ticket_a):
    response = post(client, side_a, url(ticket_a, "responses/"), {"statement": "x", "remediation": "none"})
    assert response.status_code == 400
    assert "remediation_reason" in response.json()


def test_response_with_unknown_remediation_is_400(client, side_a, ticket_a):
    response = post(client, side_a, url(ticket_a, "responses/"), {"statement": "x", "remediation": "fired"})
    assert response.status_code == 400
    assert "remediation" in response.json()


def test_response_without_statement_is_400(client, side_a, ticket_a):
    assert post(client, side_a, url(ticket_a, "responses/"), {"remediation": "warned"}).status_code == 400


def test_response_to_closed_ticket_is_409(client, side_a, ticket_a):
    AgencyTicket.objects.filter(pk=ticket_a.pk).update(status=AgencyTicket.Status.CLOSED)
    response = post(client, side_a, url(ticket_a, "responses/"), {"statement": "x", "remediation": "warned"})
    assert response.status_code == 409


def test_extension_request_is_accepted_once(client, side_a, ticket_a):
    first = post(client, side_a, url(ticket_a, "extension-requests/"), {"reason": "Collector on leave."})
    second = post(client, side_a, url(ticket_a, "extension-requests/"), {"reason": "Again."})
    assert first.status_code == 202
    assert first.json()["extension_status"] == "requested"
    assert second.status_code == 409


def test_extension_request_needs_a_reason(client, side_a, ticket_a):
    assert post(client, side_a, url(ticket_a, "extension-requests/"), {"reason": ""}).status_code == 400


def test_evidence_downloads_as_attachment(client, side_a):
    upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
    ticket = open_ticket(side_a, files=[upload])
    token = client.get(url(ticket), **side_a.auth).json()["evidence"][0]["token"]
    response = client.get(url(ticket, f"evidence/{token}/"), **side_a.auth)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_breached_ticket_reports_breached(client, side_a, ticket_a):
    response_clock(ticket_a).update(
        started_at=timezone.now() - datetime.timedelta(hours=2), due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert client.get(url(ticket_a), **side_a.auth).json()["sla_state"] == "breached"


def test_detail_withholds_the_borrowers_words_without_consent(client, side_a, ticket_a):
    ticket_a.complaint.consent_to_share = False
    ticket_a.complaint.save(update_fields=["consent_to_share"])
    body = client.get(url(ticket_a), **side_a.auth).json()
    assert (body["borrower_consented"], body["description"], body["desired_outcome"]) == (False, "", "")


def test_response_is_stored_without_a_right_to_left_override(client, side_a, ticket_a):
    body = {"statement": "Logs checked \u202eand the collector warned.", "remediation": "warned"}
    post(client, side_a, url(ticket_a, "responses/"), body)
    assert AgencyResponse.objects.get().statement == "Logs checked and the collector warned."
