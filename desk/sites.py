from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _


class DeskAdminSite(admin.AdminSite):
    site_header = _("Complaint desk")
    site_title = _("Complaint desk")
    index_title = _("Support desk")
    # The complaint list needs the width; the index and the top links lead
    # everywhere the sidebar would.
    enable_nav_sidebar = False

    def get_urls(self):
        from . import views

        return [
            path("dashboard/", self.admin_view(views.dashboard), name="desk_dashboard"),
            path("compliance-report/", self.admin_view(views.compliance_report_page), name="desk_compliance_report"),
            *super().get_urls(),
        ]
