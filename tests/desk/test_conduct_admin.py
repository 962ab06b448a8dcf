import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from conduct.models import Breach
from desk.roles import AUDITOR, TRIAGE_AGENT
from tests.factories import ContactEventFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client_for(role: str) -> Client:
    user = UserFactory(username=f"staff-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def breach():
    event = ContactEventFactory(from_number="+8617091234567")
    return Breach.objects.create(
        contact_event=event,
        rule=Breach.Rule.UNREGISTERED_NUMBER,
        agency=event.agency,
        facts={"number": "+8617091234567"},
        detected_at=event.occurred_at,
    )


@pytest.mark.parametrize("role", [TRIAGE_AGENT, AUDITOR])
def test_desk_roles_read_the_breaches_with_their_evidence(breach, role):
    page = _client_for(role).get(reverse("admin:conduct_breach_changelist")).content.decode()
    assert breach.contact_event.account.reference in page
    assert "from +8617091234567" in page


def test_breaches_cannot_be_changed_or_deleted_from_the_desk(breach):
    client = _client_for(TRIAGE_AGENT)
    response = client.post(reverse("admin:conduct_breach_delete", args=[breach.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Breach.objects.filter(pk=breach.pk).exists()


def test_breach_list_filters_by_rule(breach):
    other = ContactEventFactory()
    Breach.objects.create(
        contact_event=other,
        rule=Breach.Rule.QUIET_HOURS,
        agency=other.agency,
        facts={"time": "23:00"},
        detected_at=other.occurred_at,
    )
    url = reverse("admin:conduct_breach_changelist") + "?rule__exact=quiet_hours"
    page = _client_for(TRIAGE_AGENT).get(url).content.decode()
    assert other.account.reference in page
    assert breach.contact_event.account.reference not in page


def test_desk_reads_a_restriction_breach_with_its_evidence():
    event = ContactEventFactory()
    Breach.objects.create(
        contact_event=event,
        rule=Breach.Rule.WRITTEN_ONLY,
        agency=event.agency,
        facts={"channel": "call", "since": "2026-11-10 09:00"},
        detected_at=event.occurred_at,
    )
    page = _client_for(TRIAGE_AGENT).get(reverse("admin:conduct_breach_changelist")).content.decode()
    assert "by Phone call; only written or online contact was allowed from 2026-11-10 09:00" in page
