"""Admins for records nobody edits in the desk: logs, findings and what the
lender's feed owns. Staff may look, not add, change or delete."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
