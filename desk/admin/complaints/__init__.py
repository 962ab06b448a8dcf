"""Admin of the complaints app: the support desk's complaint pages and the
settings staff edit (taxonomy, SLA policies), with their history."""

from django.contrib import admin

from complaints.models import Complaint

from .complaint import ComplaintAdmin
from .settings import register_settings

admin.site.register(Complaint, ComplaintAdmin)
register_settings(admin.site)
