from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the support desk's site as ``admin.site``.

    Every app's ``admin.py`` keeps registering on ``admin.site``; the desk
    site adds the dashboard and the complaint desk's own pages to it.
    """

    default = False
    default_site = "desk.sites.DeskAdminSite"


class DeskConfig(AppConfig):
    default = True
    name = "desk"
    verbose_name = _("Support desk")

    def ready(self):
        from . import handlers  # noqa: F401 - registers the outbox handlers
        from .roles import roles_sync_after_migrate

        # Permissions of every app exist once migrate has run; keep the desk
        # roles in step with them (harmless to run again).
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="desk-roles-sync")
