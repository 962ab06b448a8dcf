"""The public agency page names each change of status with its date and the
public reason chosen from the fixed list, never the staff's written one."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from agencies.suspension import agency_reinstate, agency_suspend
from scorecards.services import scorecards_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(world):
    scorecards_compute(now=timezone.now())
    return world


def page(agency, language="en"):
    return Client(headers={"Accept-Language": language}).get(reverse("portal:scorecard", args=[agency.pk]))


def test_the_page_shows_each_change_with_its_public_reason(computed):
    a = computed["a"]
    now = timezone.now()
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON: Li Na shouted", public_reason="conduct", by=None, now=now)
    agency_reinstate(agency_id=a.pk, reason="SECRET-REASON retrained", public_reason="reviewed", by=None, now=now)
    body = page(a).content.decode()
    day = f"{timezone.localtime(now):%Y-%m-%d}"
    assert (
        f'{day}: Suspended <span class="text-body-secondary">(Reason: Conduct breaches found by the platform)' in body
    )
    assert f'{day}: Authorised <span class="text-body-secondary">(Reason: Reinstated after review)' in body


def test_the_page_never_shows_the_private_reason(computed):
    a = computed["a"]
    agency_suspend(
        agency_id=a.pk, reason="SECRET-REASON: Li Na shouted", public_reason="other", by=None, now=timezone.now()
    )
    body = page(a).content.decode()
    assert "SECRET-REASON" not in body
    assert "Li Na" not in body


def test_a_change_from_before_public_reasons_says_the_reason_was_not_recorded(computed):
    recent = computed["recent"]
    Agency.objects.filter(pk=recent.pk).update(status_public_reason="not_recorded")
    body = page(recent).content.decode()
    assert "(Reason: Reason not recorded)" in body
    assert "SECRET-REASON" not in body


def test_the_public_reason_reads_in_chinese(computed):
    a = computed["a"]
    agency_suspend(agency_id=a.pk, reason="SECRET-REASON", public_reason="regulator", by=None, now=timezone.now())
    assert "监管机构采取措施" in page(a, "zh-hans").content.decode()
