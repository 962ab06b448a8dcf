"""The support desk's roles: stable group names and translated labels. The
permissions each role holds are declared in :mod:`complaints.permissions`.

Groups are named by their stable code; the label is what staff read. Running
:func:`roles_sync` again (every ``migrate`` does) sets each group's
permissions to exactly what is declared, picking up permissions of
models added since.
"""

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from complaints import permissions

logger = logging.getLogger(__name__)

TRIAGE_AGENT = "triage agent"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"

# Apps whose data the desk reads. Auditors get every "view" permission here.
DESK_APPS = (
    "agencies",
    "loans",
    "complaints",
    "borrowerrequests",
    "notices",
    "conduct",
    "businesscalendar",
    "outbox",
    "accesslog",
    "desk",
)


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    description: str
    all_views: bool = True
    permissions: tuple[str, ...] = field(default=())


ROLES = (
    Role(
        code=TRIAGE_AGENT,
        label=_("Triage agent"),
        description=_("Handles complaints day to day: assigns, acknowledges, asks, replies, resolves."),
        permissions=permissions.TRIAGE_PERMISSIONS,
    ),
    Role(
        code=SUPERVISOR,
        label=_("Supervisor"),
        description=_(
            "Everything a triage agent does, plus escalations, second extensions, suspensions, "
            "policy changes, lifting holds and approving agencies' extension requests."
        ),
        permissions=permissions.SUPERVISOR_PERMISSIONS,
    ),
    Role(
        code=AUDITOR,
        label=_("Auditor"),
        description=_("Reads everything, changes nothing."),
        permissions=permissions.AUDITOR_PERMISSIONS,
    ),
)
ROLES_BY_CODE = {role.code: role for role in ROLES}


def role_label(code: str) -> str:
    role = ROLES_BY_CODE.get(code)
    return str(role.label) if role else code


def role_permissions(*, role: Role, permission_model) -> list:
    """The permission rows a role holds; declared ones that do not exist
    (yet) are skipped, so the list grows as apps add models."""
    wanted = set()
    queryset = permission_model.objects.select_related("content_type")
    for permission in queryset.filter(content_type__app_label__in=DESK_APPS):
        if role.all_views and permission.codename.startswith("view_"):
            wanted.add(permission.pk)
    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p.pk for p in queryset.filter(content_type__app_label__in=DESK_APPS)
    }
    for key in role.permissions:
        if key in by_key:
            wanted.add(by_key[key])
        else:
            logger.debug("Role %s: permission %s does not exist yet.", role.code, key)
    return sorted(wanted)


def roles_sync(*, group_model, permission_model) -> None:
    """Create the desk's groups and set their permissions. Re-runnable."""
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role.code)
        group.permissions.set(role_permissions(role=role, permission_model=permission_model))


def roles_sync_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    roles_sync(group_model=group_model, permission_model=permission_model)


def user_roles(user) -> list[str]:
    """Labels of the desk roles a user holds, for display."""
    codes = set(user.groups.filter(name__in=ROLES_BY_CODE).values_list("name", flat=True))
    return [str(role.label) for role in ROLES if role.code in codes]
