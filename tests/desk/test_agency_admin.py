import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from agencies.models import Agency, Collector
from tests.factories import AgencyFactory, CollectorFactory

pytestmark = pytest.mark.django_db

AGENCIES = reverse("admin:agencies_agency_changelist")
COLLECTORS = reverse("admin:agencies_collector_changelist")


def _act(client, url, action, ids, **extra):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids], **extra})


def test_suspend_action_first_shows_a_reason_form(client_for, supervisor):
    agency = AgencyFactory()
    response = _act(client_for(supervisor), AGENCIES, "suspend", [agency.pk])
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_suspend_action_with_reason_suspends_the_agency(client_for, supervisor):
    agency = AgencyFactory()
    response = _act(
        client_for(supervisor),
        AGENCIES,
        "suspend",
        [agency.pk],
        desk_apply="1",
        reason="Night calls",
        public_reason="conduct",
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.status, agency.status_reason) == (Agency.Status.SUSPENDED, "Night calls")


def test_suspend_action_without_reason_shows_the_error_and_changes_nothing(client_for, supervisor):
    agency = AgencyFactory()
    response = _act(client_for(supervisor), AGENCIES, "suspend", [agency.pk], desk_apply="1", reason=" ")
    assert response.status_code == 200
    assert b"errorlist" in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_suspend_action_reports_each_agency_it_could_not_suspend(client_for, supervisor):
    active = AgencyFactory()
    suspended = AgencyFactory(status=Agency.Status.SUSPENDED, short_name="Already Out")
    response = _act(
        client_for(supervisor),
        AGENCIES,
        "suspend",
        [active.pk, suspended.pk],
        desk_apply="1",
        reason="r",
        public_reason="conduct",
    )
    page = response.wsgi_request._messages
    texts = [str(m) for m in page]
    assert any("Already Out" in text and "cannot be suspended" in text for text in texts)
    active.refresh_from_db()
    assert active.status == Agency.Status.SUSPENDED


def test_triage_agent_is_not_offered_the_suspend_action(client_for, agent):
    response = client_for(agent).get(AGENCIES)
    assert response.status_code == 200
    assert b'value="suspend"' not in response.content


def test_triage_agent_cannot_suspend_by_posting_the_action(client_for, agent):
    agency = AgencyFactory()
    _act(client_for(agent), AGENCIES, "suspend", [agency.pk], desk_apply="1", reason="r")
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_triage_agent_cannot_edit_an_agency(client_for, agent):
    agency = AgencyFactory()
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    response = client_for(agent).post(url, {"name": "Renamed"})
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.name != "Renamed"


def test_auditor_can_read_agencies_but_not_change_them(client_for, auditor):
    agency = AgencyFactory()
    client = client_for(auditor)
    assert client.get(AGENCIES).status_code == 200
    response = client.post(reverse("admin:agencies_agency_change", args=[agency.pk]), {"name": "Renamed"})
    assert response.status_code == 403


def test_collector_suspend_action_suspends_the_collector(client_for, supervisor):
    collector = CollectorFactory()
    _act(client_for(supervisor), COLLECTORS, "suspend", [collector.pk], desk_apply="1", reason="Threats")
    collector.refresh_from_db()
    assert collector.status == Collector.Status.SUSPENDED


def test_agency_page_does_not_show_the_webhook_secret(client_for, superuser):
    agency = AgencyFactory(webhook_secret="s3cr3t-value")
    response = client_for(superuser).get(reverse("admin:agencies_agency_change", args=[agency.pk]))
    assert b"s3cr3t-value" not in response.content


def test_agency_page_offers_suspension_to_a_supervisor_only(client_for, supervisor, agent):
    agency = AgencyFactory()
    page = reverse("admin:agencies_agency_change", args=[agency.pk])
    suspend = reverse("admin:agencies_agency_suspend", args=[agency.pk])
    assert suspend in client_for(supervisor).get(page).content.decode()
    assert suspend not in client_for(agent).get(page).content.decode()


def test_suspend_page_shows_the_form_on_get_and_changes_nothing(client_for, supervisor):
    agency = AgencyFactory()
    response = client_for(supervisor).get(reverse("admin:agencies_agency_suspend", args=[agency.pk]))
    assert b'name="reason"' in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_suspend_page_suspends_on_post_and_returns_to_the_agency(client_for, supervisor):
    agency = AgencyFactory()
    response = client_for(supervisor).post(
        reverse("admin:agencies_agency_suspend", args=[agency.pk]),
        {"reason": "Threats reported", "public_reason": "complaints"},
    )
    assert response["Location"] == reverse("admin:agencies_agency_change", args=[agency.pk])
    agency.refresh_from_db()
    assert (agency.status, agency.status_reason) == (Agency.Status.SUSPENDED, "Threats reported")


def test_reinstate_page_lifts_a_collectors_suspension(client_for, supervisor):
    collector = CollectorFactory(status=Collector.Status.SUSPENDED)
    client_for(supervisor).post(
        reverse("admin:agencies_collector_reinstate", args=[collector.pk]), {"reason": "Cleared after review"}
    )
    collector.refresh_from_db()
    assert collector.status == Collector.Status.ACTIVE


def test_suspend_page_is_refused_to_a_triage_agent(client_for, agent):
    agency = AgencyFactory()
    response = client_for(agent).post(reverse("admin:agencies_agency_suspend", args=[agency.pk]), {"reason": "x"})
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_agency_history_does_not_show_the_webhook_secret(client_for, agent):
    agency = AgencyFactory(webhook_secret="first-s3cr3t")
    agency.webhook_secret = "second-s3cr3t"
    agency.save()
    client = client_for(agent)
    pages = [reverse("admin:agencies_agency_history", args=[agency.pk])] + [
        reverse("admin:agencies_agency_simple_history", args=[agency.pk, version.pk])
        for version in agency.history.all()
    ]
    responses = [client.get(page) for page in pages]
    assert ([r.status_code for r in responses], [r for r in responses if b"s3cr3t" in r.content]) == (
        [200] * len(pages),
        [],
    )
