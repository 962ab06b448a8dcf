"""The red banner that tells staff something has silently stopped."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from common.heartbeat import heartbeat_stamp
from complaints.services.notify import ROUTE, WEBHOOK
from desk import stalls
from desk.templatetags import desk_stalls
from outbox.models import Obligation
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(desk_stalls, "timezone", SimpleNamespace(now=lambda: NOW))
    cache.delete(stalls.CACHE_KEY)
    heartbeat_stamp(now=NOW)


def _banner(client) -> str:
    cache.delete(stalls.CACHE_KEY)
    page = client.get("/admin/").content.decode()
    start = page.find('class="desk-stalls"')
    return "" if start < 0 else page[start : page.find("</div>", start)]


def _webhook(key, agency, *, created_at, attempts=2, last_error="TimeoutError: timed out"):
    return Obligation.objects.create(
        key=key,
        kind=WEBHOOK,
        payload={"agency_id": agency.pk},
        created_at=created_at,
        next_attempt_at=NOW + datetime.timedelta(minutes=5),
        attempts=attempts,
        last_error=last_error,
    )


def test_no_banner_when_nothing_has_stalled(client_for, agent):
    assert _banner(client_for(agent)) == ""


def test_banner_shows_a_stale_heartbeat_and_clears_when_beat_is_back(client_for, agent):
    heartbeat_stamp(now=NOW - datetime.timedelta(minutes=10))
    client = client_for(agent)
    assert "Celery beat has stopped" in _banner(client)
    heartbeat_stamp(now=NOW)
    assert _banner(client) == ""


def test_banner_links_failed_deliveries_to_the_filtered_outbox(client_for, agent):
    failed = Obligation.objects.create(
        key="k", kind=ROUTE, status=Obligation.Status.FAILED, created_at=NOW, next_attempt_at=NOW
    )
    client = client_for(agent)
    banner = _banner(client)
    assert "1 delivery has failed for good" in banner
    assert "/admin/outbox/obligation/?status__exact=failed" in banner
    failed.status = Obligation.Status.DELIVERED
    failed.save()
    assert _banner(client) == ""


def test_banner_names_an_agency_whose_webhooks_failed_for_over_an_hour(client_for, agent):
    anxin, xinda = AgencyFactory(short_name="安信"), AgencyFactory(short_name="信达")
    _webhook("a", anxin, created_at=NOW - datetime.timedelta(minutes=61))
    # Failing for less than an hour, or pending without a failed try yet: not yet a stall.
    _webhook("b", xinda, created_at=NOW - datetime.timedelta(minutes=59))
    _webhook("c", xinda, created_at=NOW - datetime.timedelta(hours=3), attempts=0, last_error="")
    banner = _banner(client_for(agent))
    assert "Webhooks to 安信 have failed for over an hour" in banner
    assert "信达" not in banner
    assert f"kind__exact={WEBHOOK}" in banner


def test_banner_is_computed_once_while_cached(client_for, agent, django_assert_max_num_queries):
    client = client_for(agent)
    client.get("/admin/")
    with django_assert_max_num_queries(30) as first:
        cache.delete(stalls.CACHE_KEY)
        client.get("/admin/")
    with django_assert_max_num_queries(30) as cached:
        client.get("/admin/")
    assert len(first.captured_queries) - len(cached.captured_queries) == 3


def test_no_banner_for_visitors_who_are_not_staff(client):
    heartbeat_stamp(now=NOW - datetime.timedelta(minutes=10))
    assert "desk-stalls" not in client.get("/admin/login/").content.decode()
