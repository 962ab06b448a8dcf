from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .lookups import OfferedFiltersOnly


class DeskAdminSite(admin.AdminSite):
    site_header = _("Complaint desk")
    site_title = _("Complaint desk")
    index_title = _("Support desk")
    # The complaint list needs the width; the index and the top links lead
    # everywhere the sidebar would.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list on the desk, ours and the packages', is filtered by its
        own filters only (``desk.lookups``)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OfferedFiltersOnly):
            admin_class = type(
                admin_class.__name__,
                (OfferedFiltersOnly, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        from . import views

        return [
            path("dashboard/", self.admin_view(views.dashboard), name="desk_dashboard"),
            path("compliance-report/", self.admin_view(views.compliance_report_page), name="desk_compliance_report"),
            *super().get_urls(),
        ]
