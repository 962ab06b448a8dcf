import pytest
from django.urls import reverse

from agencies.models import AgencyMembership

pytestmark = pytest.mark.django_db


def test_staff_member_cannot_see_the_access_page(client_a):
    assert client_a.get(reverse("agency:access")).status_code == 403


def test_access_page_refusal_says_why(client_a):
    response = client_a.get(reverse("agency:access"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Only your agency&#x27;s managers can see its API tokens and sign-ins." in response.content.decode()


def test_workspace_refuses_a_user_of_no_agency_saying_why(client_a, side_a):
    AgencyMembership.objects.filter(pk=side_a.membership.pk).delete()
    response = client_a.get(reverse("agency:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "This user is not a member of a collection agency." in response.content.decode()


def test_manager_sees_own_tokens_and_calls_only(client_a, client, side_a, side_b):
    AgencyMembership.objects.filter(pk=side_a.membership.pk).update(role="manager")
    client.get("/api/v1/tickets/", **side_b.auth)
    response = client_a.get(reverse("agency:access"))
    assert response.status_code == 200
    assert list(response.context["tokens"]) == [side_a.token]
    assert list(response.context["calls"]) == []
    content = response.content.decode()
    assert side_b.token.prefix not in content
    assert side_a.token.secret_hash not in content


def test_an_active_token_reads_as_valid_not_as_employed(client_a, side_a):
    AgencyMembership.objects.filter(pk=side_a.membership.pk).update(role="manager")
    content = client_a.get(reverse("agency:access"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "有效" in content
    assert "在职" not in content
