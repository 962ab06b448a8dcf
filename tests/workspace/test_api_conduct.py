import datetime

import pytest
from django.utils import timezone

from conduct.models import Breach
from tests.factories import ContactEventFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/conduct-breaches/"


def breach(side, *, rule=Breach.Rule.QUIET_HOURS, days_ago=1, **facts):
    event = ContactEventFactory(
        account=side.account,
        agency=side.agency,
        collector=side.collector,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return Breach.objects.create(
        contact_event=event,
        rule=rule,
        agency=side.agency,
        collector=side.collector,
        facts=facts or {"time": "23:05"},
        detected_at=timezone.now(),
    )


def test_lists_the_agencys_breaches_with_facts_and_evidence(client, side_a):
    found = breach(side_a)
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="en", **side_a.auth).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["contact"] == found.contact_event.external_id
    assert item["account"] == side_a.account.reference
    assert item["collector"] == side_a.collector.badge_number
    assert (item["rule"], item["facts"], item["evidence"]) == ("quiet_hours", {"time": "23:05"}, "at 23:05 China time")


def test_never_lists_another_agencys_breaches(client, side_a, side_b):
    breach(side_b)
    assert client.get(URL, **side_a.auth).json()["count"] == 0


def test_filters_by_rule_and_by_when_the_contact_was_made(client, side_a):
    breach(side_a, days_ago=10)
    recent = breach(side_a, rule=Breach.Rule.UNREGISTERED_NUMBER, days_ago=1, number="+8617091234567")
    since = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    by_rule = client.get(URL, {"rule": "unregistered_number"}, **side_a.auth).json()
    by_time = client.get(URL, {"since": since}, **side_a.auth).json()
    assert [item["contact"] for item in by_rule["results"]] == [recent.contact_event.external_id]
    assert [item["contact"] for item in by_time["results"]] == [recent.contact_event.external_id]


@pytest.mark.parametrize(("params", "field"), [({"rule": "rudeness"}, "rule"), ({"since": "yesterday"}, "since")])
def test_bad_filter_is_400_and_says_which(client, side_a, params, field):
    response = client.get(URL, params, **side_a.auth)
    assert response.status_code == 400
    assert field in response.json()


def test_needs_a_token(client):
    assert client.get(URL).status_code == 401
