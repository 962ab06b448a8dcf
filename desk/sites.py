from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DeskAdminSite(admin.AdminSite):
    site_header = _("Complaint desk")
    site_title = _("Complaint desk")
    index_title = _("Support desk")
