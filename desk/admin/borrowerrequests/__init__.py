"""Admin of the borrowerrequests app: the desk's request pages and the
deadline policies supervisors edit, with their history."""

from django.contrib import admin

from borrowerrequests.models import BorrowerRequest, RequestSLAPolicy
from desk.history import DeskHistoryAdmin

from .request import BorrowerRequestAdmin


class RequestSLAPolicyAdmin(DeskHistoryAdmin):
    list_display = ["kind", "amount", "unit", "warn_percent"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request) -> bool:
        # One policy per kind, seeded by the migration.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(BorrowerRequest, BorrowerRequestAdmin)
admin.site.register(RequestSLAPolicy, RequestSLAPolicyAdmin)
