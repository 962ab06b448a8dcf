"""The admin list filter behind the report's links: it lists the rows one
figure counted, through the same section query that counted them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .figures import PARAMETER, figure_parse
from .sections import SECTIONS


class ReportFigureFilter(admin.SimpleListFilter):
    title = _("monthly report figure")
    parameter_name = PARAMETER

    def lookups(self, request, model_admin):
        # Only a link from the report sets it; the sidebar then names it.
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        parts = figure_parse(value)
        section = SECTIONS.get(parts[2]) if parts else None
        if section is None or parts[3] not in section.figures:
            return queryset.none()
        period, agency_id, _key, figure, group = parts
        rows = section.rows(period=period, agency_id=agency_id, figure=figure, group=group)
        return queryset.filter(pk__in=rows.values(section.link_field))
