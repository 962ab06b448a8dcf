from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import Obligation
from outbox.services import obligation_retry


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in Obligation._meta.fields]
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed obligations again"), permissions=["change"])
    def retry(self, request, queryset):
        ids = list(queryset.filter(status=Obligation.Status.FAILED).values_list("pk", flat=True))
        for obligation_id in ids:
            obligation_retry(obligation_id=obligation_id)
        self.message_user(
            request,
            ngettext("%(count)d obligation queued again.", "%(count)d obligations queued again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
