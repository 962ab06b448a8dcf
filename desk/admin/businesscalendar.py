import datetime

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from businesscalendar.china import (
    library_has_official_schedule,
    library_holiday_name,
    library_is_working_day,
    library_year,
)
from businesscalendar.models import CalendarOverride, WorkingHours
from businesscalendar.selectors import coming_year_without_schedule
from desk.history import DeskHistoryAdmin


def schedule_warning(*, today: datetime.date) -> str:
    """The warning staff see while the coming year has no overrides, or ""."""
    year = coming_year_without_schedule(today=today)
    if year is None:
        return ""
    if library_has_official_schedule(year):
        return _(
            "No calendar overrides are entered for %(year)s. The holidays library carries the official "
            "%(year)s schedule; check it against the State Council's notice and enter any difference here."
        ) % {"year": year}
    return _(
        "No calendar overrides are entered for %(year)s, and the holidays library does not know %(year)s's "
        "make-up working days. Until you enter the State Council's %(year)s schedule here, deadlines in "
        "%(year)s count only the fixed public holidays and treat every Saturday and Sunday as a day off."
    ) % {"year": year}


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(DeskHistoryAdmin):
    list_display = ["date", "weekday", "is_working_day", "library_says", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["note"]
    ordering = ["-date"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarOverride) -> str:
        return date_format(obj.date, "l")

    @admin.display(description=_("without this override"))
    def library_says(self, obj: CalendarOverride) -> str:
        working = library_is_working_day(obj.date)
        status = _("working day") if working else _("day off")
        name = library_holiday_name(obj.date, language=get_language() or "zh-hans")
        return f"{status} ({name})" if name else str(status)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        warning = schedule_warning(today=today)
        if warning and request.method == "GET":
            messages.warning(request, warning)
        extra_context = {
            **(extra_context or {}),
            "library_years": [self._library_summary(year) for year in (today.year, today.year + 1)],
        }
        return super().changelist_view(request, extra_context=extra_context)

    @staticmethod
    def _library_summary(year: int) -> dict:
        known = library_year(year)
        return {
            "year": year,
            "official": known.official,
            "holidays": sorted(known.holidays),
            "weekend_workdays": sorted(known.weekend_workdays),
        }


@admin.register(WorkingHours)
class WorkingHoursAdmin(DeskHistoryAdmin):
    """One row: the change list goes straight to it."""

    list_display = ["__str__", "opens_at", "closes_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingHours.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        hours = WorkingHours.objects.first()
        if hours is not None and self.has_view_or_change_permission(request, hours):
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:businesscalendar_workinghours_change", args=[hours.pk])
            )
        return super().changelist_view(request, extra_context=extra_context)
