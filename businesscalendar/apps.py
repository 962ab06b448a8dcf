from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessCalendarConfig(AppConfig):
    name = "businesscalendar"
    verbose_name = _("Business calendar")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401
        from .models import CalendarOverride, WorkingHours
        from .services import configured_calendar

        # Each process's calendar is built again after any edit (common.memo).
        for model in (WorkingHours, CalendarOverride):
            for signal in (post_save, post_delete):
                signal.connect(
                    configured_calendar.changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"{configured_calendar.name}:{model.__name__}:{id(signal)}",
                )
