from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessCalendarConfig(AppConfig):
    name = "businesscalendar"
    verbose_name = _("Business calendar")

    def ready(self):
        from . import checks  # noqa: F401
