from django.contrib import admin

from accesslog.models import DataAccessRecord

from .readonly import ReadOnlyAdmin


@admin.register(DataAccessRecord)
class DataAccessRecordAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence of who saw what, so nobody edits it,
    not even a superuser through the admin."""

    list_display = ["at", "user", "action", "subject", "rows"]
    list_filter = ["action"]
    list_select_related = ["user"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["at", "user", "action", "subject", "rows", "detail"]
    show_full_result_count = False
