"""A second extension: one check, asked by the desk and enforced by the service."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from complaints.permissions import user_may_grant_second_extension
from complaints.services import complaint_extend

from .conftest import NOW

pytestmark = pytest.mark.django_db


def extended_once(complaint, by):
    return complaint_extend(complaint=complaint, by=by, reason="First", now=NOW, approved_by=by)


def offered(client, complaint) -> set[str]:
    with translation.override("en"):
        response = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    return {operation.name for operation in response.context["operations"]}


def test_triage_agent_cannot_grant_a_second_extension_through_the_service(agent, submit):
    complaint = extended_once(submit(), agent)
    with pytest.raises(PermissionDenied):
        complaint_extend(complaint=complaint, by=agent, reason="Second", now=NOW, approved_by=agent)
    complaint.refresh_from_db()
    assert complaint.extension_count == 1


def test_supervisor_grants_a_second_extension_through_the_service(agent, supervisor, submit):
    complaint = extended_once(submit(), agent)
    complaint = complaint_extend(complaint=complaint, by=supervisor, reason="Second", now=NOW, approved_by=supervisor)
    assert complaint.extension_count == 2


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_desk_offers_the_second_extension_exactly_when_the_check_allows(role, request, client_for, agent, submit):
    user = request.getfixturevalue(role)
    complaint = extended_once(submit(), agent)
    assert ("extend" in offered(client_for(user), complaint)) == user_may_grant_second_extension(user)


def test_desk_offers_the_first_extension_to_a_triage_agent(client_for, agent, submit):
    assert "extend" in offered(client_for(agent), submit())
