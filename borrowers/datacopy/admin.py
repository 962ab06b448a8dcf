"""The desk's view of borrowers' copies: state only, never the file, and
one action that lets a borrower ask again before 30 days have passed."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DataCopyRequest
from .services import datacopy_allow_another


@admin.register(DataCopyRequest)
class DataCopyRequestAdmin(admin.ModelAdmin):
    list_display = ["borrower_id_shown", "requested_at", "status", "ready_at", "expires_at", "downloads"]
    list_filter = ["status"]
    search_fields = ["borrower__external_id"]
    fields = ["borrower_id_shown", "requested_at", "status", "ready_at", "expires_at", "size", "downloads"]
    readonly_fields = fields
    actions = ["allow_another"]

    @admin.display(description=_("borrower"))
    def borrower_id_shown(self, obj):
        return obj.borrower.external_id

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Allow these borrowers one more copy within 30 days"), permissions=["change"])
    def allow_another(self, request, queryset):
        now = timezone.now()
        borrowers = {copy.borrower for copy in queryset.select_related("borrower")}
        for borrower in borrowers:
            datacopy_allow_another(borrower=borrower, by=request.user, now=now)
        messages.success(request, _("%(count)d borrowers may ask for one more copy.") % {"count": len(borrowers)})
