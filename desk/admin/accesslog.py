from django.contrib import admin

from accesslog.models import DataAccessRecord


@admin.register(DataAccessRecord)
class DataAccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence of who saw what, so nobody edits it,
    not even a superuser through the admin."""

    list_display = ["at", "user", "action", "subject", "rows"]
    list_filter = ["action"]
    list_select_related = ["user"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["at", "user", "action", "subject", "rows", "detail"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
