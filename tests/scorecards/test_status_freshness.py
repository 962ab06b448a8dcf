"""A change of an agency's status shows on the next public request, with the
pages already built and kept, whether the desk's suspension service or the
lender's feed made it."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from agencies.suspension import agency_reinstate, agency_suspend
from loans.importer import feed_import
from scorecards.services import scorecards_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(world):
    scorecards_compute(now=timezone.now())
    return world


def get(path, **headers):
    return Client(headers={"Accept-Language": "en", **headers}).get(path)


def feed_agency(agency: Agency, **fields) -> None:
    record = {"type": "agency", "id": agency.external_id, "name": agency.name, **fields}
    report = feed_import(lines=[json.dumps(record)], now=timezone.now())
    assert not report.errors, report.errors


def page(agency: Agency) -> str:
    return get(reverse("portal:scorecard", args=[agency.pk])).content.decode()


def status_on(html: str) -> str:
    """The agency's current status as the page states it."""
    after = html[html.index(">Status</dt>") :]
    return after[: after.index("</dd>")]


def test_a_suspension_by_the_service_shows_on_the_kept_agency_page(computed):
    a = computed["a"]
    assert "Suspended" not in page(a)
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON", public_reason="regulator", by=None, now=timezone.now())
    shown = page(a)
    assert status_on(shown).endswith(">Suspended")
    assert "Action by a regulator" in shown


def test_a_suspension_by_the_feed_shows_on_the_kept_agency_page(computed):
    a = computed["a"]
    assert "Suspended" not in page(a)
    feed_agency(a, status="suspended", status_reason="SECRET-REASON", status_public_reason="licence")
    shown = page(a)
    assert status_on(shown).endswith(">Suspended")
    assert "Licence lapsed or revoked" in shown


def test_a_reinstatement_by_the_feed_shows_on_the_kept_agency_page(computed):
    recent = computed["recent"]
    assert "Reinstated after review" not in page(recent)
    feed_agency(recent, status="active", status_public_reason="reviewed", status_changed_at=timezone.now().isoformat())
    shown = page(recent)
    assert status_on(shown).endswith(">Authorised")
    assert "Reinstated after review" in shown


def listed_status(agency: Agency) -> str:
    listed = get(reverse("portal:scorecards")).content.decode()
    item = listed[listed.index(f">{agency.name}</a>") :]
    return item[: item.index("</li>")]


def test_the_kept_list_shows_the_new_status(computed):
    a = computed["a"]
    assert "Authorised" in listed_status(a)
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON", public_reason="conduct", by=None, now=timezone.now())
    assert "Suspended" in listed_status(a)


@pytest.mark.parametrize("name", ["list", "csv"])
def test_an_agency_reinstated_after_a_year_reappears_on_the_kept_list_and_csv(computed, name):
    old = computed["old"]
    path = reverse("portal:scorecards") if name == "list" else reverse("portal:scorecards_csv")
    assert "Long Gone" not in get(path).content.decode()
    agency_reinstate(agency_id=old.pk, reason="Reviewed", public_reason="reviewed", by=None, now=timezone.now())
    assert "Long Gone" in get(path).content.decode()


def test_an_agency_reinstated_after_a_year_has_its_chart_again(computed):
    old = computed["old"]
    path = reverse("portal:scorecard_chart", args=[old.pk])
    assert get(path).status_code == 404
    agency_reinstate(agency_id=old.pk, reason="Reviewed", public_reason="reviewed", by=None, now=timezone.now())
    assert get(path).content.decode().startswith("<svg")


def test_a_renamed_agency_has_its_new_name_on_the_kept_chart(computed):
    a = computed["a"]
    path = reverse("portal:scorecard_chart", args=[a.pk])
    assert get(path).status_code == 200
    # The record carries no short name, so the chart names the agency by its name.
    feed_agency(a, name="Renamed Collections")
    assert "Renamed Collections" in get(path).content.decode()


def test_a_repeat_visit_after_a_change_gets_the_new_page_not_a_304(computed):
    a = computed["a"]
    path = reverse("portal:scorecard", args=[a.pk])
    first = get(path)
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON", public_reason="conduct", by=None, now=timezone.now())
    again = get(path, If_None_Match=first["ETag"], If_Modified_Since=first["Last-Modified"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_another_agencys_change_keeps_an_agency_page_unchanged(computed):
    path = reverse("portal:scorecard", args=[computed["a"].pk])
    first = get(path)
    recent = computed["recent"]
    agency_reinstate(agency_id=recent.pk, reason="Reviewed", public_reason="reviewed", by=None, now=timezone.now())
    assert get(path, If_None_Match=first["ETag"]).status_code == 304
