import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from desk.roles import AUDITOR, ROLES, SUPERVISOR, TRIAGE_AGENT, role_label, roles_sync

pytestmark = pytest.mark.django_db


def test_migrations_create_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {TRIAGE_AGENT, SUPERVISOR, AUDITOR}


def test_roles_sync_is_harmless_to_run_again():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    roles_sync(group_model=Group, permission_model=Permission)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_roles_sync_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=SUPERVISOR)
    group.permissions.remove(Permission.objects.get(codename="suspend_party"))
    roles_sync(group_model=Group, permission_model=Permission)
    assert group.permissions.filter(codename="suspend_party").exists()


def test_auditor_holds_only_view_permissions():
    codenames = set(Group.objects.get(name=AUDITOR).permissions.values_list("codename", flat=True))
    assert codenames and all(codename.startswith(("view_", "read_")) for codename in codenames)


def test_auditor_can_view_complaints_and_agencies():
    codenames = set(Group.objects.get(name=AUDITOR).permissions.values_list("codename", flat=True))
    assert {"view_complaint", "view_agency", "view_slapolicy"} <= codenames


def test_triage_agent_cannot_change_sla_policies_or_suspend():
    codenames = set(Group.objects.get(name=TRIAGE_AGENT).permissions.values_list("codename", flat=True))
    assert "change_slapolicy" not in codenames
    assert "suspend_party" not in codenames


def test_triage_agent_can_change_complaints_and_add_notes():
    codenames = set(Group.objects.get(name=TRIAGE_AGENT).permissions.values_list("codename", flat=True))
    assert {"change_complaint", "add_complaint_note"} <= codenames


def test_supervisor_holds_the_supervisor_only_rights():
    codenames = set(Group.objects.get(name=SUPERVISOR).permissions.values_list("codename", flat=True))
    assert {
        "escalate_complaint",
        "extend_beyond_first",
        "suspend_party",
        "change_slapolicy",
        "lift_account_hold",
        "approve_agency_extension",
    } <= codenames


def test_role_labels_are_translated():
    from django.utils import translation

    with translation.override("en"):
        assert role_label(TRIAGE_AGENT) == "Triage agent"
    assert [role.code for role in ROLES] == [TRIAGE_AGENT, SUPERVISOR, AUDITOR]


def test_superuser_sees_staff_with_their_role_and_no_borrowers(client):
    from django.urls import reverse

    from tests.factories import BorrowerFactory, UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    agent = UserFactory(username="agent-x", is_staff=True)
    agent.groups.add(Group.objects.get(name=TRIAGE_AGENT))
    BorrowerFactory(user=UserFactory(username="borrower-login"))
    client.force_login(root)
    with translation.override("en"):
        content = client.get(reverse("admin:portal_user_changelist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "agent-x" in content
    assert "Triage agent" in content
    assert "borrower-login" not in content


def test_desk_roles_cannot_manage_users(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    supervisor = UserFactory(username="sup", is_staff=True)
    supervisor.groups.add(Group.objects.get(name=SUPERVISOR))
    client.force_login(supervisor)
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
