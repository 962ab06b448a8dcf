import pytest
from django.urls import reverse

from conduct.models import Breach
from tests.factories import ContactEventFactory

pytestmark = pytest.mark.django_db


def breach(side, rule=Breach.Rule.QUIET_HOURS, **facts):
    event = ContactEventFactory(account=side.account, agency=side.agency, collector=side.collector)
    return Breach.objects.create(
        contact_event=event,
        rule=rule,
        agency=side.agency,
        collector=side.collector,
        facts=facts or {"time": "22:40"},
        detected_at=event.occurred_at,
    )


def test_conduct_page_lists_the_agencys_breaches_with_their_evidence(client_a, side_a):
    breach(side_a)
    page = client_a.get(reverse("agency:conduct"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert side_a.account.reference in page
    assert "Contact in the quiet hours" in page
    assert "at 22:40 China time" in page
    assert side_a.collector.badge_number in page


def test_conduct_page_never_shows_other_agencys_breaches(client_a, side_a, side_b):
    breach(side_b)
    page = client_a.get(reverse("agency:conduct"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert side_b.account.reference not in page
    assert "No contact your agency reported broke the rules." in page


def test_conduct_page_filters_by_rule(client_a, side_a):
    breach(side_a, rule=Breach.Rule.QUIET_HOURS)
    breach(side_a, rule=Breach.Rule.UNREGISTERED_NUMBER, number="+8617091234567")
    page = client_a.get(
        reverse("agency:conduct"), {"rule": "unregistered_number"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "+8617091234567" in page
    assert "at 22:40 China time" not in page


def test_conduct_page_with_an_unknown_rule_says_so_and_lists_everything(client_a, side_a):
    breach(side_a)
    response = client_a.get(reverse("agency:conduct"), {"rule": "<script>"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert "at 22:40 China time" in page
    assert "<script>" not in page


def test_conduct_page_needs_an_agency_sign_in(client, side_a):
    response = client.get(reverse("agency:conduct"))
    assert response.status_code == 302
    assert reverse("agency:signin") in response["Location"]


def test_conduct_page_shows_a_restriction_breach_without_its_cause(client_a, side_a):
    breach(side_a, rule=Breach.Rule.CARE_VISIT, since="2026-11-10 09:00")
    page = client_a.get(reverse("agency:conduct"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Home visit while stricter contact rules applied" in page
    assert "stricter contact rules applied from 2026-11-10 09:00: no home visits" in page
