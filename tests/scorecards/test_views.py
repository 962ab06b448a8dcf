"""The public pages: open to anyone, cacheable, under the CSP, and free of
personal data and free text."""

import datetime

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from scorecards.services import scorecards_compute
from tests.factories import AgencyFactory
from tests.scorecards.conftest import DESCRIPTION, NOW

pytestmark = pytest.mark.django_db

AGENCY_PAGES = ["portal:scorecard", "portal:scorecard_chart"]
PRIVATE = ("Zhang Wei", "13800138000", "SECRET-REASON", "Li Na", DESCRIPTION)


@pytest.fixture
def computed(world):
    scorecards_compute(now=timezone.now())
    return world


def get(path, **headers):
    return Client(headers={"Accept-Language": "en", **headers}).get(path)


def test_the_list_opens_without_signing_in_and_names_recent_agencies_only(computed):
    response = get(reverse("portal:scorecards"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A Collections" in page
    assert "Recently Suspended Collections" in page
    assert "Long Gone Collections" not in page
    assert "In-house team" not in page


def test_nothing_of_an_agency_suspended_more_than_a_year_ago(computed):
    old = computed["old"]
    assert get(reverse("portal:scorecard", args=[old.pk])).status_code == 404
    assert get(reverse("portal:scorecard_chart", args=[old.pk])).status_code == 404
    assert b"Long Gone" not in get(reverse("portal:scorecards_csv")).content


@pytest.mark.parametrize("name", AGENCY_PAGES)
def test_no_scorecard_for_the_in_house_team(computed, name):
    assert get(reverse(name, args=[computed["in_house"].pk])).status_code == 404


@pytest.mark.parametrize("name", AGENCY_PAGES)
def test_no_scorecard_for_an_unknown_agency(computed, name):
    unknown = Agency.objects.aggregate(last=Max("pk"))["last"] + 1
    assert get(reverse(name, args=[unknown])).status_code == 404


@pytest.mark.parametrize("name", AGENCY_PAGES)
def test_no_scorecard_for_an_agency_no_longer_authorised_for_more_than_a_year(computed, name):
    gone = AgencyFactory(status=Agency.Status.TERMINATED, status_changed_at=NOW - datetime.timedelta(days=2 * 365))
    assert get(reverse(name, args=[gone.pk])).status_code == 404


def test_the_agency_page_shows_figures_licence_and_methodology(computed):
    page = get(reverse("portal:scorecard", args=[computed["a"].pk])).content.decode()
    assert "LIC-A-001" in page
    assert "6000.0" in page
    assert "too few to publish" in page
    assert "How these figures are counted" in page
    assert reverse("portal:scorecard_chart", args=[computed["a"].pk]) in page


def test_the_suspension_is_shown_with_its_date_and_public_label_not_the_staff_reason(computed):
    from django.utils import timezone

    from agencies.suspension import agency_reinstate, agency_suspend

    a = computed["a"]
    now = timezone.now()
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON about Li Na", public_reason="conduct", by=None, now=now)
    agency_reinstate(agency_id=a.pk, reason="SECRET-REASON fixed", public_reason="reviewed", by=None, now=now)
    page = get(reverse("portal:scorecard", args=[a.pk])).content.decode()
    assert f"{timezone.localtime(now):%Y-%m-%d}: Suspended" in page
    assert "SECRET-REASON" not in page


@pytest.mark.parametrize("name", ["list", "agency", "csv", "chart"])
def test_no_personal_data_or_free_text_in_any_response(computed, name):
    a = computed["a"].pk
    path = {
        "list": reverse("portal:scorecards"),
        "agency": reverse("portal:scorecard", args=[a]),
        "csv": reverse("portal:scorecards_csv"),
        "chart": reverse("portal:scorecard_chart", args=[a]),
    }[name]
    body = get(path).content.decode()
    for text in PRIVATE:
        assert text not in body


def test_the_csv_has_the_same_figures(computed):
    response = get(reverse("portal:scorecards_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "A Collections,LIC-A-001,2026 Q4,no,Complaints per 10,000 accounts,6000.0" in body.replace('"', "")
    assert "First responses on time,too few to publish" in body


def test_pages_are_publicly_cacheable_with_validators(computed):
    response = get(reverse("portal:scorecard", args=[computed["a"].pk]))
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "Set-Cookie" not in response.headers
    again = get(reverse("portal:scorecard", args=[computed["a"].pk]), If_None_Match=response["ETag"])
    assert again.status_code == 304


def test_pages_carry_the_strict_csp(computed):
    csp = get(reverse("portal:scorecard", args=[computed["a"].pk]))["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp


def test_the_chart_is_an_svg_without_script(computed):
    response = get(reverse("portal:scorecard_chart", args=[computed["a"].pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert body.startswith("<svg") and "<script" not in body and "style=" not in body


def test_the_pages_refuse_anything_but_get(computed):
    assert Client().post(reverse("portal:scorecards")).status_code == 405


def test_the_site_footer_links_the_scorecards(db):
    assert reverse("portal:scorecards").encode() in get(reverse("portal:agencies")).content


def test_the_table_scrolls_in_its_own_box_and_the_chart_shrinks_at_375_px(computed):
    page = get(reverse("portal:scorecard", args=[computed["a"].pk])).content.decode()
    assert '<div class="table-responsive">' in page
    assert 'class="img-fluid scorecard-chart"' in page
    assert "style=" not in page and "<script" not in page


def test_a_new_computation_replaces_the_kept_page(computed):
    from scorecards.models import QuarterFigures

    path = reverse("portal:scorecard", args=[computed["a"].pk])
    assert "6000.0" in get(path).content.decode()
    QuarterFigures.objects.filter(agency=computed["a"]).update(complaints=0)
    scorecards_compute(now=timezone.now())
    assert "6000.0" in get(path).content.decode()
    QuarterFigures.objects.filter(agency=computed["a"]).update(complaints=24, accounts=20)
    QuarterFigures.objects.filter(agency=computed["a"]).update(computed_at=timezone.now())
    assert "12000.0" in get(path).content.decode()


def test_a_suspension_without_history_shows_its_date(computed):
    recent = computed["recent"]
    page = get(reverse("portal:scorecard", args=[recent.pk])).content.decode()
    assert f"{timezone.localdate(recent.status_changed_at):%Y-%m-%d}: Suspended" in page


def test_the_csv_names_the_unit_of_breach_rates(computed):
    body = get(reverse("portal:scorecards_csv")).content.decode()
    assert "Contact at forbidden hours,200.0,per 1,000 contacts" in body.replace('"', "")


def test_the_page_reads_in_chinese_by_default(computed, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = Client().get(reverse("portal:scorecard", args=[computed["a"].pk])).content.decode()
    assert "样本过少，不予公布" in page
    assert "这些数据如何统计" in page
