"""Staff and agency members on a phone: every desk and workspace page their
role uses fits 375 px without sideways scrolling, and chart labels are
readable. Runs on the demo world, which has complaints in every state."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import AgencyMembership
from complaints.models import Complaint
from portal.management.commands.load_demo_data import STAFF_USERS
from tests.browser import fits_the_phone, phone_page
from workspace.signin import totp_current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The smallest chart label on screen, in CSS pixels: its font size times
# the factor the SVG is scaled by.
SMALLEST_CHART_TEXT = """
Math.min(99, ...Array.from(document.querySelectorAll('svg.desk-chart text')).map(text => {
  const svg = text.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return parseFloat(getComputedStyle(text).fontSize) * scale;
}))
"""


@pytest.fixture
def demo_world(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("load_demo_data", stdout=io.StringIO())


def overflowing(page, paths) -> list[str]:
    too_wide = []
    for path in paths:
        page.goto(path)
        if not fits_the_phone(page):
            too_wide.append(f"{path}: {page.evaluate('document.documentElement.scrollWidth')} px")
    return too_wide


def desk_paths(page, base: str) -> list[str]:
    """The desk pages this role can reach: the index, the dashboard, each
    list it links to, and the first object of each list with its history."""
    page.goto(f"{base}/admin/")
    lists = sorted(
        {
            href
            for href in page.eval_on_selector_all(
                "#content a, .desk-nav a", "links => links.map(a => a.getAttribute('href'))"
            )
            if href and href.startswith("/admin/") and not href.endswith("/add/")
        }
    )
    paths = [f"{base}/admin/", *(f"{base}{href}" for href in lists)]
    for href in lists:
        page.goto(f"{base}{href}")
        first = page.eval_on_selector_all(
            "#result_list tbody tr a[href*='/change/']", "links => links.slice(0, 1).map(a => a.getAttribute('href'))"
        )
        for change in first:
            change = change.split("?")[0]
            paths += [f"{base}{change}", f"{base}{change.replace('/change/', '/history/')}"]
    return paths


@pytest.mark.parametrize("username", [username for username, _password, _groups in STAFF_USERS])
def test_every_desk_page_of_a_role_fits_a_phone(live_server, demo_world, username):
    password = next(password for name, password, _groups in STAFF_USERS if name == username)
    paused = Complaint.objects.filter(sla_targets__paused_at__isnull=False).distinct().first()
    with phone_page(locale="zh-CN") as page:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/admin/$"))
        paths = desk_paths(page, live_server.url)
        if paused is not None:
            paths.append(f"{live_server.url}/admin/complaints/complaint/{paused.pk}/change/")
        assert len(paths) > 5
        assert overflowing(page, paths) == []
        assert page.csp_errors == []


def test_dashboard_charts_have_readable_labels_at_phone_and_desk_widths(live_server, demo_world):
    username, password, _groups = next(user for user in STAFF_USERS if user[0] == "supervisor")
    with phone_page(locale="zh-CN") as page:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/dashboard/")
        assert fits_the_phone(page)
        assert page.locator("svg.desk-chart text").count() > 5
        assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert 12 <= page.evaluate(SMALLEST_CHART_TEXT) <= 16


@pytest.mark.parametrize("username", ["huaxin-manager", "jingcheng-staff"])
def test_every_workspace_page_fits_a_phone(live_server, demo_world, username):
    membership = AgencyMembership.objects.get(user__username=username)
    with phone_page(locale="zh-CN") as page:
        page.goto(f"{live_server.url}/agency/signin/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo-agency-2026")
        page.click("main button[type=submit]")
        page.fill("input[name=code]", totp_current_code(membership=membership, now=timezone.now()))
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/agency/$"))
        tickets = page.eval_on_selector_all(
            "a[href^='/agency/tickets/']", "links => links.map(a => a.getAttribute('href'))"
        )
        assert tickets
        base = live_server.url
        paths = [
            f"{base}/agency/",
            *(f"{base}{href}" for href in dict.fromkeys(tickets)),
            f"{base}/agency/access/",
            f"{base}/agency/preferences/",
            f"{base}/agency/contacts/report/",
            f"{base}/agency/conduct/",
        ]
        assert overflowing(page, paths) == []
        assert page.csp_errors == []


def test_workspace_table_headers_are_not_one_character_per_line(live_server, demo_world):
    membership = AgencyMembership.objects.get(user__username="huaxin-manager")
    with phone_page(locale="zh-CN") as page:
        page.goto(f"{live_server.url}/agency/signin/")
        page.fill("input[name=username]", "huaxin-manager")
        page.fill("input[name=password]", "demo-agency-2026")
        page.click("main button[type=submit]")
        page.fill("input[name=code]", totp_current_code(membership=membership, now=timezone.now()))
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/agency/access/")
        # One line of a 1rem font is under 30 px; a column one letter wide is far taller.
        heights = page.eval_on_selector_all(
            ".table-responsive th, .table-responsive td.text-break",
            "cells => cells.map(cell => cell.getBoundingClientRect().height)",
        )
        assert heights
        assert max(heights) < 80
