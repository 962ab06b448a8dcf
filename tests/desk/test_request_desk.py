# ruff: noqa: F811 - the borrower-request fixtures are imported by name
"""The borrower-request desk: the list and the request page, every action in
the states that allow it and refused in the others, permissions per role,
and sensitive information hidden from roles without the permission and
logged when shown."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accesslog.models import DataAccessRecord
from borrowerrequests import services
from borrowerrequests.actions import request_actions_allowed
from borrowerrequests.models import BorrowerRequest, Kind, PlanAnswer, Status
from borrowerrequests.services import deadlines
from notices.models import Notice
from tests.borrowerrequests.conftest import (  # noqa: F401 - fixtures
    NOW,
    _private_media,
    account,
    agency,
    borrower,
    file_request,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:borrowerrequests_borrowerrequest_changelist")
LATER = NOW + datetime.timedelta(hours=2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def desk_time(monkeypatch):
    """The desk acts two hours after the requests were filed."""
    monkeypatch.setattr("desk.admin.borrowerrequests.request.request_now", lambda request: LATER)
    monkeypatch.setattr("desk.admin.borrowerrequests.filters.request_now", lambda request: LATER)


def page_url(request) -> str:
    return reverse("admin:borrowerrequests_borrowerrequest_change", args=[request.pk])


def do_url(request, operation) -> str:
    return reverse("admin:borrowerrequests_borrowerrequest_operation", args=[request.pk, operation])


def reload(request) -> BorrowerRequest:
    return BorrowerRequest.objects.get(pk=request.pk)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def told(request, event: str) -> bool:
    return Notice.objects.filter(key__startswith=f"request:{request.pk}:request.{event}:").exists()


# What each state offers ------------------------------------------------------

EXPECTED = {
    Kind.DISPUTE: {"start_review", "verify", "correct", "refuse"},
    Kind.STOP_THIRD_PARTY: {"acknowledge", "refuse"},
    Kind.RESTRICT_CONTACT: {"acknowledge", "refuse"},
    Kind.REPAYMENT_PLAN: {"start_review", "plan_accept", "plan_offer", "refuse"},
    Kind.VULNERABILITY: {"start_review", "accept", "refuse"},
}


@pytest.mark.parametrize("kind", list(Kind))
def test_a_filed_request_offers_exactly_its_kinds_actions(kind):
    assert request_actions_allowed(request=BorrowerRequest(kind=kind, status=Status.FILED)) == EXPECTED[kind]


@pytest.mark.parametrize("kind", [Kind.DISPUTE, Kind.REPAYMENT_PLAN, Kind.VULNERABILITY])
def test_under_review_offers_the_decisions_only(kind):
    allowed = request_actions_allowed(request=BorrowerRequest(kind=kind, status=Status.UNDER_REVIEW))
    assert allowed == EXPECTED[kind] - {"start_review"}


@pytest.mark.parametrize(
    "kind,status",
    [
        (Kind.STOP_THIRD_PARTY, Status.IN_FORCE),
        (Kind.VULNERABILITY, Status.ACCEPTED),
        (Kind.REPAYMENT_PLAN, Status.PLAN_OFFERED),
        (Kind.DISPUTE, Status.VERIFICATION_SENT),
        (Kind.DISPUTE, Status.WITHDRAWN),
        (Kind.REPAYMENT_PLAN, Status.REFUSED),
    ],
)
def test_a_decided_or_ended_request_offers_nothing(kind, status):
    assert request_actions_allowed(request=BorrowerRequest(kind=kind, status=status)) == frozenset()


def test_the_page_offers_the_states_actions(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    response = client_for(agent).get(page_url(request))
    assert response.status_code == 200
    assert {op.name for op in response.context["operations"]} == EXPECTED[Kind.DISPUTE]


def test_the_page_offers_nothing_once_decided(client_for, agent, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    services.request_acknowledge(request=request, by=None, now=LATER)
    response = client_for(agent).get(page_url(request))
    assert response.context["operations"] == []


# Each action, allowed and refused ---------------------------------------------


def test_acknowledge_keeps_it_in_force_and_tells_the_borrower(client_for, agent, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    response = client_for(agent).post(do_url(request, "acknowledge"), follow=True)
    assert reload(request).status == Status.IN_FORCE
    assert "1 request acknowledged." in messages_of(response)
    assert told(request, "acknowledged")


def test_acknowledge_refused_for_a_dispute_says_why(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    response = client_for(agent).post(do_url(request, "acknowledge"), follow=True)
    assert reload(request).status == Status.FILED
    assert any("cannot be done with a request of this kind" in m for m in messages_of(response))


def test_start_review(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    client_for(agent).post(do_url(request, "start_review"))
    assert reload(request).status == Status.UNDER_REVIEW


def test_start_review_refused_twice(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    services.request_start_review(request=request, by=None, now=LATER)
    response = client_for(agent).post(do_url(request, "start_review"), follow=True)
    assert any("cannot be moved" in m for m in messages_of(response))


def test_refuse_needs_reasons(client_for, agent, file_request):
    request = file_request(Kind.RESTRICT_CONTACT)
    response = client_for(agent).post(do_url(request, "refuse"), {"reasons": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reasons"]
    assert reload(request).status == Status.FILED


def test_refuse_with_reasons_tells_the_borrower(client_for, agent, file_request):
    request = file_request(Kind.RESTRICT_CONTACT)
    response = client_for(agent).post(do_url(request, "refuse"), {"reasons": "No such account."}, follow=True)
    request = reload(request)
    assert request.status == Status.REFUSED and request.decision_text == "No such account."
    assert "1 request refused." in messages_of(response)
    assert told(request, "refused")


def test_refuse_refused_on_an_acknowledged_request(client_for, agent, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    services.request_acknowledge(request=request, by=None, now=LATER)
    response = client_for(agent).post(do_url(request, "refuse"), {"reasons": "Changed my mind."}, follow=True)
    assert reload(request).status == Status.IN_FORCE
    assert any("stands until the borrower withdraws it" in m for m in messages_of(response))


def test_verify_with_a_statement_and_a_file(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    upload = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client_for(agent).post(
        do_url(request, "verify"), {"statement": "Signed on 2025-03-01.", "files": [upload]}, follow=True
    )
    request = reload(request)
    assert request.status == Status.VERIFICATION_SENT
    assert request.verification.statement == "Signed on 2025-03-01."
    assert request.evidence.filter(party="platform").count() == 1
    assert told(request, "verification_sent")
    assert "Verification sent on 1 dispute." in messages_of(response)


def test_verify_refused_for_a_plan(client_for, agent, file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    response = client_for(agent).post(do_url(request, "verify"), {"statement": "Verified."}, follow=True)
    assert reload(request).status == Status.FILED
    assert any("cannot be done with a request of this kind" in m for m in messages_of(response))


def test_correct(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    client_for(agent).post(do_url(request, "correct"), {"explanation": "Overdue now 1,456.78."})
    assert reload(request).status == Status.CORRECTED
    assert told(request, "corrected")


def test_correct_needs_an_explanation(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    response = client_for(agent).post(do_url(request, "correct"), {"explanation": ""})
    assert response.context["form"].errors["explanation"]


def _instalments(*rows, total=6):
    data = {
        "instalments-TOTAL_FORMS": str(total),
        "instalments-INITIAL_FORMS": "0",
        "instalments-MIN_NUM_FORMS": "0",
        "instalments-MAX_NUM_FORMS": "60",
    }
    for index, (due, amount) in enumerate(rows):
        data[f"instalments-{index}-due_date"] = due
        data[f"instalments-{index}-amount"] = amount
    return data


def test_plan_accept_with_instalments(client_for, agent, file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    data = {"measures": "cancel", **_instalments(("2026-12-25", "500.00"), ("2027-01-25", "500.00"))}
    response = client_for(agent).post(do_url(request, "plan_accept"), data, follow=True)
    request = reload(request)
    assert request.status == Status.PLAN_ACCEPTED
    answer = PlanAnswer.objects.get(request=request)
    assert [(i.due_date.isoformat(), i.amount) for i in answer.instalments.all()] == [
        ("2026-12-25", Decimal("500.00")),
        ("2027-01-25", Decimal("500.00")),
    ]
    assert told(request, "plan_accepted")
    assert "1 plan agreed." in messages_of(response)


def test_plan_accept_without_instalments_is_refused_with_the_reason(client_for, agent, file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    response = client_for(agent).post(do_url(request, "plan_accept"), {"measures": "cancel", **_instalments()})
    assert reload(request).status == Status.FILED
    assert "A plan needs at least one instalment." in messages_of(response)


def test_plan_instalment_in_the_past_is_refused(client_for, agent, file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    data = {"measures": "cancel", **_instalments(("2026-11-01", "500.00"))}
    response = client_for(agent).post(do_url(request, "plan_accept"), data)
    assert "Each instalment needs a due date from today on." in messages_of(response)


def test_plan_offer(client_for, agent, file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    data = {
        "measures": "cancel",
        "amount_per_month": "300",
        "reasons": "We can do 300 over longer.",
        **_instalments(("2026-12-25", "300.00")),
    }
    client_for(agent).post(do_url(request, "plan_offer"), data)
    assert reload(request).status == Status.PLAN_OFFERED
    assert told(request, "plan_offered")


def test_plan_offer_refused_for_a_dispute(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    data = {"measures": "cancel", "amount_per_month": "300", "reasons": "x", **_instalments(("2026-12-25", "300"))}
    response = client_for(agent).post(do_url(request, "plan_offer"), data, follow=True)
    assert reload(request).status == Status.FILED
    assert any("cannot be done with a request of this kind" in m for m in messages_of(response))


def test_accept_a_vulnerability(client_for, supervisor, file_request):
    request = file_request(Kind.VULNERABILITY)
    client_for(supervisor).post(do_url(request, "accept"), {"note": ""})
    assert reload(request).status == Status.ACCEPTED


def test_accept_refused_for_a_stop(client_for, supervisor, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    response = client_for(supervisor).post(do_url(request, "accept"), {"note": ""}, follow=True)
    assert any("cannot be done with a request of this kind" in m for m in messages_of(response))


def test_an_unknown_action_is_404(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    assert client_for(agent).post(do_url(request, "delete")).status_code == 404


def test_a_get_changes_nothing(client_for, agent, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    client_for(agent).get(do_url(request, "acknowledge"))
    assert reload(request).status == Status.FILED


def test_bulk_acknowledge_reports_the_refusals(client_for, agent, file_request):
    stop, dispute = file_request(Kind.STOP_THIRD_PARTY), file_request(Kind.DISPUTE)
    response = client_for(agent).post(
        CHANGELIST, {"action": "acknowledge", ACTION_CHECKBOX_NAME: [stop.pk, dispute.pk]}, follow=True
    )
    assert reload(stop).status == Status.IN_FORCE
    texts = messages_of(response)
    assert "1 request acknowledged." in texts
    assert any(dispute.reference in m for m in texts)


# Roles --------------------------------------------------------------------


def test_an_auditor_reads_but_may_not_act(client_for, auditor, file_request):
    request = file_request(Kind.STOP_THIRD_PARTY)
    client = client_for(auditor)
    response = client.get(page_url(request))
    assert response.status_code == 200 and response.context["operations"] == []
    assert client.post(do_url(request, "acknowledge")).status_code == 403
    assert reload(request).status == Status.FILED


def test_staff_without_a_role_cannot_see_requests(client_for, file_request):
    from tests.factories import UserFactory

    request = file_request(Kind.DISPUTE)
    client = client_for(UserFactory(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(page_url(request)).status_code in (302, 403)


def test_a_triage_agent_cannot_decide_a_vulnerability(client_for, agent, file_request):
    request = file_request(Kind.VULNERABILITY)
    client = client_for(agent)
    response = client.get(page_url(request))
    assert response.context["operations"] == [] and response.context["sensitive_blocked"]
    assert client.post(do_url(request, "start_review")).status_code == 403
    assert reload(request).status == Status.FILED


def test_a_triage_agent_cannot_bulk_decide_a_vulnerability(client_for, agent, file_request):
    request = file_request(Kind.VULNERABILITY)
    client_for(agent).post(CHANGELIST, {"action": "start_review", ACTION_CHECKBOX_NAME: [request.pk]})
    assert reload(request).status == Status.FILED


# Sensitive information ---------------------------------------------------------


def _sensitive_rows():
    return DataAccessRecord.objects.filter(subject__startswith="sensitive information of request")


def test_a_supervisor_sees_the_vulnerability_and_the_view_is_logged_with_a_reason(client_for, supervisor, file_request):
    request = file_request(Kind.VULNERABILITY)
    response = client_for(supervisor).get(page_url(request))
    body = response.content.decode()
    assert "Serious illness" in body and "In hospital until March." in body
    row = _sensitive_rows().get()
    assert row.user == supervisor and row.borrower_id == request.borrower_id
    assert row.detail["reason"].startswith("vulnerability review")


def test_a_triage_agent_sees_neither_category_nor_words_and_nothing_is_logged_as_sensitive(
    client_for, agent, file_request
):
    request = file_request(Kind.VULNERABILITY)
    body = client_for(agent).get(page_url(request)).content.decode()
    assert "Serious illness" not in body and "In hospital until March." not in body
    assert not _sensitive_rows().exists()


def test_an_auditor_does_not_see_the_vulnerability(client_for, auditor, file_request):
    request = file_request(Kind.VULNERABILITY)
    body = client_for(auditor).get(page_url(request)).content.decode()
    assert "Serious illness" not in body


def test_the_list_never_shows_the_category(client_for, supervisor, file_request):
    file_request(Kind.VULNERABILITY)
    body = client_for(supervisor).get(CHANGELIST).content.decode()
    assert "Serious illness" not in body and "Sensitive: open the request" in body


def test_the_consent_record_is_visible(client_for, agent, file_request):
    request = file_request(Kind.VULNERABILITY)
    response = client_for(agent).get(page_url(request))
    assert response.context["page"].consent.text_shown in response.content.decode()


def test_every_page_view_is_access_logged(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    client_for(agent).get(page_url(request))
    assert DataAccessRecord.objects.filter(
        subject=f"borrower request {request.reference}", borrower_id=request.borrower_id
    ).exists()


def _vulnerability_with_file(file_request):
    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    from complaints.uploads import check_uploads

    return file_request(Kind.VULNERABILITY, files=check_uploads([upload]))


def test_a_vulnerabilitys_file_is_hidden_from_a_triage_agent(client_for, agent, file_request):
    request = _vulnerability_with_file(file_request)
    evidence = request.evidence.get()
    url = reverse("admin:borrowerrequests_borrowerrequest_evidence", args=[request.pk, evidence.pk])
    assert client_for(agent).get(url).status_code == 404


def test_a_vulnerabilitys_file_is_served_to_a_supervisor_and_logged_as_sensitive(client_for, supervisor, file_request):
    request = _vulnerability_with_file(file_request)
    evidence = request.evidence.get()
    url = reverse("admin:borrowerrequests_borrowerrequest_evidence", args=[request.pk, evidence.pk])
    response = client_for(supervisor).get(url)
    assert response.status_code == 200
    assert _sensitive_rows().filter(detail__what=f"evidence {evidence.pk}").exists()


def test_a_disputes_file_is_served_through_the_evidence_response(client_for, agent, file_request):
    from complaints.uploads import check_uploads

    upload = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")
    request = file_request(Kind.DISPUTE, files=check_uploads([upload]))
    evidence = request.evidence.get()
    url = reverse("admin:borrowerrequests_borrowerrequest_evidence", args=[request.pk, evidence.pk])
    response = client_for(agent).get(url)
    assert response.status_code == 200
    assert DataAccessRecord.objects.filter(subject=f"evidence {evidence.pk} of {request.reference}").exists()


# The list and its SLA filter ---------------------------------------------------


def test_the_list_masks_the_borrower(client_for, agent, file_request, borrower):
    file_request(Kind.DISPUTE)
    body = client_for(agent).get(CHANGELIST).content.decode()
    assert borrower.name not in body and borrower.phone not in body


def test_the_sla_filter_finds_the_breached(client_for, agent, file_request):
    late, fine = file_request(Kind.STOP_THIRD_PARTY), file_request(Kind.DISPUTE)
    # The stop's one working day has passed at the desk's time.
    deadline = deadlines.open_deadline(late)
    type(deadline).objects.filter(pk=deadline.pk).update(due_at=LATER - datetime.timedelta(minutes=1))
    response = client_for(agent).get(CHANGELIST + "?sla=breached")
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {late.pk}
    assert fine.pk not in shown


def test_the_page_shows_the_deadlines_badge(client_for, agent, file_request):
    request = file_request(Kind.DISPUTE)
    response = client_for(agent).get(page_url(request))
    assert response.context["page"].badge.state == "on_track"
    assert "Verify or correct the debt" in response.content.decode()


# The dashboard ----------------------------------------------------------------


def test_the_dashboard_counts_escalated_requests_and_links_to_them(client_for, supervisor, file_request):
    from desk.selectors import requests_needing_attention

    late = file_request(Kind.STOP_THIRD_PARTY)
    file_request(Kind.DISPUTE)
    deadline = deadlines.open_deadline(late)
    type(deadline).objects.filter(pk=deadline.pk).update(due_at=LATER - datetime.timedelta(minutes=1))
    assert requests_needing_attention(now=LATER) == {"breached": 1, "at_risk": 0}
    body = client_for(supervisor).get(reverse("admin:desk_dashboard")).content.decode()
    assert f"{CHANGELIST}?sla=breached" in body
