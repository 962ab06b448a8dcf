import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import AgencyResponse, AgencyTicket, SLATarget, TimelineEvent
from complaints.uploads import check_upload
from tests.factories import ContactEventFactory

from .conftest import open_ticket, response_clock

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ticket_url(ticket, name="agency:ticket"):
    return reverse(name, kwargs={"reference": ticket.complaint.reference})


def test_ticket_is_opened_for_the_assigned_agency(ticket_a, side_a):
    assert ticket_a.agency == side_a.agency
    assert ticket_a.status == AgencyTicket.Status.OPEN


def test_inbox_lists_own_tickets_soonest_deadline_first(client_a, side_a):
    later = open_ticket(side_a)
    sooner = open_ticket(side_a)
    response_clock(sooner).update(due_at=timezone.now() + datetime.timedelta(hours=2))
    response_clock(later).update(due_at=timezone.now() + datetime.timedelta(days=2))
    response = client_a.get(reverse("agency:inbox"))
    assert response.status_code == 200
    listed = [ticket.pk for ticket in response.context["page"].object_list]
    assert listed == [sooner.pk, later.pk]


def test_inbox_shows_sla_state_as_text(client_a, ticket_a):
    response_clock(ticket_a).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client_a.get(reverse("agency:inbox"))
    assert "sla-breached" in response.content.decode()


def test_ticket_near_its_warning_time_is_at_risk(client_a, ticket_a):
    SLATarget.objects.filter(complaint=ticket_a.complaint, kind="agency_first_response").update(
        warn_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response_clock(ticket_a).update(due_at=timezone.now() + datetime.timedelta(hours=1))
    response = client_a.get(reverse("agency:inbox"))
    assert response.context["page"].object_list[0].sla_state == "at_risk"


def test_inbox_filters_by_status(client_a, ticket_a):
    assert len(client_a.get(reverse("agency:inbox"), {"status": "closed"}).context["page"].object_list) == 0
    assert len(client_a.get(reverse("agency:inbox"), {"status": "open"}).context["page"].object_list) == 1


def test_inbox_filter_by_another_agencys_collector_is_ignored_as_invalid(client_a, ticket_a, side_b):
    response = client_a.get(reverse("agency:inbox"), {"collector": side_b.collector.pk})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_inbox_filters_by_own_collector(client_a, ticket_a, side_a):
    ticket_a.complaint.collector = side_a.collector
    ticket_a.complaint.save(update_fields=["collector"])
    listed = client_a.get(reverse("agency:inbox"), {"collector": side_a.collector.pk}).context["page"].object_list
    assert [ticket.pk for ticket in listed] == [ticket_a.pk]


def test_ticket_page_shows_masked_name_and_complaint(client_a, ticket_a):
    response = client_a.get(ticket_url(ticket_a))
    content = response.content.decode()
    assert response.status_code == 200
    assert ticket_a.complaint.borrower.name not in content
    assert ticket_a.complaint.borrower.name[0] + "*" in content
    assert "three nights in a row" in content
    assert ticket_a.complaint.account.reference in content


def test_ticket_page_lists_own_contacts_within_a_week_of_the_incident(client_a, ticket_a, side_a, side_b):
    incident = ticket_a.complaint.incident_at
    near = ContactEventFactory(
        account=side_a.account, agency=side_a.agency, occurred_at=incident - datetime.timedelta(days=2)
    )
    ContactEventFactory(account=side_a.account, agency=side_a.agency, occurred_at=incident - datetime.timedelta(days=9))
    ContactEventFactory(account=side_a.account, agency=side_b.agency, occurred_at=incident)
    events = list(client_a.get(ticket_url(ticket_a)).context["contact_events"])
    assert events == [near]


def test_ticket_page_hides_staff_only_timeline(client_a, ticket_a):
    TimelineEvent.objects.create(
        complaint=ticket_a.complaint, at=timezone.now(), kind="note", visibility="internal", text="internal-note-xyz"
    )
    assert b"internal-note-xyz" not in client_a.get(ticket_url(ticket_a)).content


def test_response_is_recorded_and_stops_the_agency_clock(client_a, ticket_a):
    response = client_a.post(
        ticket_url(ticket_a, "agency:respond"),
        {"statement": "We checked the dialler logs.", "remediation": "warned"},
    )
    assert response.status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.status == AgencyTicket.Status.RESPONDED
    assert AgencyResponse.objects.get(ticket=ticket_a).remediation == "warned"
    target = SLATarget.objects.get(complaint=ticket_a.complaint, kind="agency_first_response")
    assert target.met_at is not None


def test_response_with_evidence_reuses_the_upload_checks(client_a, ticket_a):
    upload = SimpleUploadedFile("log.pdf", PDF, content_type="application/pdf")
    client_a.post(
        ticket_url(ticket_a, "agency:respond"),
        {"statement": "Dialler log attached.", "remediation": "retrained", "files": [upload]},
    )
    assert ticket_a.complaint.evidence.filter(party="agency").count() == 1


def test_response_with_disguised_file_is_refused(client_a, ticket_a):
    upload = SimpleUploadedFile("log.pdf", b"<svg onload=alert(1)>", content_type="application/pdf")
    response = client_a.post(
        ticket_url(ticket_a, "agency:respond"),
        {"statement": "See file.", "remediation": "warned", "files": [upload]},
    )
    assert response.status_code == 400
    assert not AgencyResponse.objects.exists()


def test_no_action_needs_a_reason(client_a, ticket_a):
    response = client_a.post(ticket_url(ticket_a, "agency:respond"), {"statement": "Nothing.", "remediation": "none"})
    assert response.status_code == 400
    assert not AgencyResponse.objects.exists()


def test_empty_statement_is_refused(client_a, ticket_a):
    response = client_a.post(ticket_url(ticket_a, "agency:respond"), {"statement": "", "remediation": "warned"})
    assert response.status_code == 400


def test_extension_request_waits_for_a_supervisor(client_a, ticket_a):
    response = client_a.post(ticket_url(ticket_a, "agency:ask_extension"), {"reason": "The collector is on leave."})
    assert response.status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.extension_status == AgencyTicket.ExtensionStatus.REQUESTED


def test_second_extension_request_is_refused(client_a, ticket_a):
    client_a.post(ticket_url(ticket_a, "agency:ask_extension"), {"reason": "On leave."})
    response = client_a.post(ticket_url(ticket_a, "agency:ask_extension"), {"reason": "Again."})
    assert response.status_code == 400


def test_extension_request_needs_a_reason(client_a, ticket_a):
    assert client_a.post(ticket_url(ticket_a, "agency:ask_extension"), {"reason": ""}).status_code == 400


def test_respond_refuses_get(client_a, ticket_a):
    assert client_a.get(ticket_url(ticket_a, "agency:respond")).status_code == 405


def test_respond_needs_csrf_token(client, side_a, ticket_a):
    from django.test import Client

    from .conftest import sign_in_session

    strict = sign_in_session(Client(enforce_csrf_checks=True), side_a)
    response = strict.post(ticket_url(ticket_a, "agency:respond"), {"statement": "x", "remediation": "warned"})
    assert response.status_code == 403


class TestEvidenceDownload:
    @pytest.fixture
    def ticket_with_file(self, side_a):
        upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
        return open_ticket(side_a, files=[upload])

    def test_shared_borrower_evidence_downloads_as_attachment(self, client_a, ticket_with_file):
        evidence = ticket_with_file.complaint.evidence.get()
        response = client_a.get(
            reverse(
                "agency:evidence", kwargs={"reference": ticket_with_file.complaint.reference, "token": evidence.token}
            )
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]

    def test_download_is_recorded_as_personal_data_access(self, client_a, side_a, ticket_with_file):
        from accesslog.models import DataAccessRecord

        evidence = ticket_with_file.complaint.evidence.get()
        reference = ticket_with_file.complaint.reference
        client_a.get(reverse("agency:evidence", kwargs={"reference": reference, "token": evidence.token}))
        record = DataAccessRecord.objects.get()
        assert (record.user, record.action) == (side_a.user, "viewed")

    def test_unshared_borrower_evidence_is_404(self, client_a, side_a):
        upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
        ticket = open_ticket(side_a, files=[upload], consent_to_share=False)
        evidence = ticket.complaint.evidence.get()
        response = client_a.get(
            reverse("agency:evidence", kwargs={"reference": ticket.complaint.reference, "token": evidence.token})
        )
        assert response.status_code == 404


def test_inbox_counts_breached_and_at_risk_tickets(client_a, side_a):
    breached, at_risk, _calm = open_ticket(side_a), open_ticket(side_a), open_ticket(side_a)
    response_clock(breached).update(
        started_at=timezone.now() - datetime.timedelta(hours=2), due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    response_clock(at_risk).update(due_at=timezone.now() + datetime.timedelta(hours=1))
    SLATarget.objects.filter(complaint=at_risk.complaint, kind="agency_first_response").update(
        warn_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    summary = client_a.get(reverse("agency:inbox")).context["summary"]
    assert (summary["breached"], summary["at_risk"], summary["open"]) == (1, 1, 3)


def test_ticket_page_withholds_the_borrowers_words_without_consent(client_a, ticket_a):
    ticket_a.complaint.consent_to_share = False
    ticket_a.complaint.save(update_fields=["consent_to_share"])
    content = client_a.get(ticket_url(ticket_a)).content.decode()
    assert "three nights in a row" not in content
    assert "did not agree to share" in content


def test_refused_extension_request_page_says_why(client_a, ticket_a):
    client_a.post(ticket_url(ticket_a, "agency:ask_extension"), {"reason": "On leave."})
    response = client_a.post(
        ticket_url(ticket_a, "agency:ask_extension"), {"reason": "Again."}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "More time has already been asked for on this ticket." in response.content.decode()


def test_refused_response_on_a_closed_ticket_page_says_why(client_a, ticket_a):
    AgencyTicket.objects.filter(pk=ticket_a.pk).update(status=AgencyTicket.Status.CLOSED)
    response = client_a.post(
        ticket_url(ticket_a, "agency:respond"),
        {"statement": "We checked the call log.", "remediation": "warned"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This ticket is closed." in response.content.decode()


def test_ticket_names_the_borrower_as_the_borrower_not_you(client_a, ticket_a, side_a):
    ContactEventFactory(account=side_a.account, agency=side_a.agency, collector=side_a.collector)
    response = client_a.get(reverse("agency:ticket", args=[ticket_a.complaint.reference]), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "<td>The borrower</td>" in content
    assert "<td>You</td>" not in content


def test_ticket_names_both_collectors_of_a_visit(client_a, ticket_a, side_a):
    from tests.factories import CollectorFactory

    second = CollectorFactory(agency=side_a.agency)
    ContactEventFactory(
        account=side_a.account,
        agency=side_a.agency,
        collector=side_a.collector,
        second_collector=second,
        channel="visit",
        outcome="visited",
    )
    content = client_a.get(reverse("agency:ticket", args=[ticket_a.complaint.reference])).content.decode()
    assert side_a.collector.badge_number in content
    assert second.badge_number in content


def test_response_carries_the_recording_reference_in_its_own_field(client_a, ticket_a):
    page = client_a.get(reverse("agency:ticket", args=[ticket_a.complaint.reference])).content.decode()
    assert 'name="recording_ref"' in page
    client_a.post(
        ticket_url(ticket_a, "agency:respond"),
        {"statement": "We listened to the call.", "remediation": "warned", "recording_ref": " REC-2026-0042 "},
    )
    response = AgencyResponse.objects.get(ticket=ticket_a)
    assert (response.recording_ref, response.statement) == ("REC-2026-0042", "We listened to the call.")
    page = client_a.get(reverse("agency:ticket", args=[ticket_a.complaint.reference])).content.decode()
    assert "REC-2026-0042" in page


def test_ticket_shows_the_number_that_called_in_the_national_format_unmasked(client_a, ticket_a):
    type(ticket_a.complaint).objects.filter(pk=ticket_a.complaint.pk).update(caller_number="+862160881701")
    content = client_a.get(reverse("agency:ticket", args=[ticket_a.complaint.reference])).content.decode()
    assert "021 6088 1701" in content
    assert "216***1701" not in content
