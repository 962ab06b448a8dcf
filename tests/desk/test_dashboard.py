import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:desk_dashboard")


def test_dashboard_renders_for_an_agent(client_for, agent, submit):
    submit()
    response = client_for(agent).get(DASHBOARD)
    assert response.status_code == 200
    assert b"<svg" in response.content


def test_dashboard_is_refused_to_staff_without_a_desk_role(client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory(username="plain", is_staff=True)).get(DASHBOARD)
    assert response.status_code == 403


def test_dashboard_sends_anonymous_visitors_to_the_admin_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_dashboard_has_no_inline_styles_or_scripts(client_for, auditor, submit):
    submit()
    content = client_for(auditor).get(DASHBOARD).content.decode()
    assert "style=" not in content
    assert "<style" not in content
    assert "<script>" not in content


def test_dashboard_figures_are_computed_once_a_minute(submit):
    from desk.views import dashboard_figures
    from tests.desk.conftest import NOW

    submit()
    first = dashboard_figures(now=NOW)
    submit()
    assert dashboard_figures(now=NOW)["by_state"] == first["by_state"]
    assert dashboard_figures(now=NOW + datetime.timedelta(minutes=1))["by_state"]["total"] == 2


def test_dashboard_shows_the_scorecard_table(client_for, supervisor, submit):
    from django.utils import timezone

    from complaints.models import Complaint
    from tests.factories import AgencyFactory

    complaint = submit(now=timezone.now())
    Complaint.objects.filter(pk=complaint.pk).update(agency=AgencyFactory(short_name="Scored Agency"))
    content = client_for(supervisor).get(DASHBOARD).content.decode()
    assert 'id="scorecard-table"' in content
    assert "Scored Agency" in content


def test_admin_index_links_to_the_desk_queues(client_for, agent):
    content = client_for(agent).get(reverse("admin:index")).content.decode()
    assert "?assignee=mine" in content
    assert DASHBOARD in content
