"""The desk asks for the public reason when it suspends or reinstates an
agency, offering only the reasons that fit the move."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from agencies.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

AGENCIES = reverse("admin:agencies_agency_changelist")


def test_suspend_page_without_a_public_reason_shows_the_error_and_changes_nothing(client_for, supervisor):
    agency = AgencyFactory()
    response = client_for(supervisor).post(
        reverse("admin:agencies_agency_suspend", args=[agency.pk]), {"reason": "Night calls"}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_suspend_page_records_the_chosen_public_reason(client_for, supervisor):
    agency = AgencyFactory()
    client_for(supervisor).post(
        reverse("admin:agencies_agency_suspend", args=[agency.pk]),
        {"reason": "Night calls", "public_reason": "regulator"},
    )
    agency.refresh_from_db()
    assert (agency.status, agency.status_public_reason) == (Agency.Status.SUSPENDED, "regulator")


def test_suspend_page_offers_only_reasons_that_fit_a_suspension(client_for, supervisor):
    agency = AgencyFactory()
    page = client_for(supervisor).get(reverse("admin:agencies_agency_suspend", args=[agency.pk])).content.decode()
    assert 'value="conduct"' in page
    assert 'value="reviewed"' not in page
    assert 'value="not_recorded"' not in page


def test_reinstate_page_refuses_a_suspension_reason(client_for, supervisor):
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    response = client_for(supervisor).post(
        reverse("admin:agencies_agency_reinstate", args=[agency.pk]), {"reason": "Fixed", "public_reason": "licence"}
    )
    assert b"errorlist" in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.SUSPENDED


def test_reinstate_page_records_the_public_reason(client_for, supervisor):
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    client_for(supervisor).post(
        reverse("admin:agencies_agency_reinstate", args=[agency.pk]), {"reason": "Fixed", "public_reason": "reviewed"}
    )
    agency.refresh_from_db()
    assert (agency.status, agency.status_public_reason) == (Agency.Status.ACTIVE, "reviewed")


def test_suspend_action_without_a_public_reason_changes_nothing(client_for, supervisor):
    agency = AgencyFactory()
    response = client_for(supervisor).post(
        AGENCIES,
        {"action": "suspend", ACTION_CHECKBOX_NAME: [str(agency.pk)], "desk_apply": "1", "reason": "Night calls"},
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_agency_page_shows_the_public_reason(client_for, supervisor):
    agency = AgencyFactory(status=Agency.Status.SUSPENDED, status_public_reason="complaints")
    page = client_for(supervisor).get(reverse("admin:agencies_agency_change", args=[agency.pk])).content.decode()
    assert "Complaints upheld" in page
