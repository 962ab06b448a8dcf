from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies and collectors")

    def ready(self):
        from . import admin_tokens  # noqa: F401 - registers the access admins
