import io

import pyotp
import pytest
from django.urls import reverse

from agencies.models import AgencyMembership, ApiToken
from portal.demo import agencies as demo
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(db):
    return [AgencyFactory(external_id=agent.agency) for agent in demo.DEMO_AGENTS]


def test_demo_load_creates_members_and_prints_the_token_once(demo_agencies):
    first, second = io.StringIO(), io.StringIO()
    demo.load(stdout=first)
    demo.load(stdout=second)
    assert AgencyMembership.objects.filter(user__username__in=[a.username for a in demo.DEMO_AGENTS]).count() == 2
    assert "agk_" in first.getvalue()
    assert "agk_" not in second.getvalue()
    assert ApiToken.objects.filter(name=demo.DEMO_TOKEN_NAME).count() == 1


def test_demo_members_sign_in_with_the_published_secret(client, demo_agencies):
    demo.load(stdout=io.StringIO())
    agent = demo.DEMO_AGENTS[0]
    client.post(reverse("agency:signin"), {"username": agent.username, "password": demo.DEMO_PASSWORD})
    response = client.post(reverse("agency:signin_code"), {"code": pyotp.TOTP(agent.totp_secret).now()})
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:inbox")


def test_demo_guide_names_users_and_the_code_command(demo_agencies):
    demo.load(stdout=io.StringIO())
    text = "\n".join(demo.guide(base_url="http://x"))
    assert "huaxin-manager" in text
    assert demo.DEMO_AGENTS[0].totp_secret in text
    assert "agency_totp_code" in text
