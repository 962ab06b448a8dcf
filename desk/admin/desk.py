"""Admin for the desk's own people: staff accounts and the groups that carry
the desk roles."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from desk.roles import ROLES_BY_CODE, role_label

# Django's auth app registers its own group admin; the desk's shows roles.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class DeskGroupAdmin(GroupAdmin):
    list_display = ["name", "role"]

    @admin.display(description=_("desk role"))
    def role(self, obj: Group) -> str:
        return role_label(obj.name) if obj.name in ROLES_BY_CODE else "—"


class DeskUserAdmin(UserAdmin):
    """Staff and agency accounts, with their desk roles. Borrowers sign in
    by SMS code and have nothing to manage here, so they are not listed."""

    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active", "roles"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(borrower__isnull=True).prefetch_related("groups")

    @admin.display(description=_("desk roles"))
    def roles(self, obj) -> str:
        names = {group.name for group in obj.groups.all()}
        return ", ".join(role_label(code) for code in ROLES_BY_CODE if code in names) or "—"


# The portal app registers no admin for its user model; if it ever does, that
# one stays.
if not admin.site.is_registered(get_user_model()):
    admin.site.register(get_user_model(), DeskUserAdmin)
