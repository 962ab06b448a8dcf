"""What supervisors configure (the taxonomy and SLA policies) and the
records they oversee (holds, agency tickets), each with its history."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.models import AgencyTicket, Category, Hold, Severity, SLAPolicy, TriageItem
from complaints.services import hold_lift
from desk.actions import form_action, request_now
from desk.history import DeskHistoryAdmin

from .forms import ReasonForm


class SLAPolicyAdmin(DeskHistoryAdmin):
    list_display = [
        "severity",
        "acknowledge_amount",
        "acknowledge_unit",
        "agency_response_amount",
        "agency_response_unit",
        "decision_amount",
        "decision_unit",
        "first_extension_days",
        "second_extension_days",
        "warn_percent",
    ]
    readonly_fields = ["severity"]

    def has_add_permission(self, request) -> bool:
        # One policy per severity, seeded by the migration.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CategoryAdmin(DeskHistoryAdmin):
    list_display = ["code", "label_zh", "label_en", "group", "default_severity", "is_active", "position"]
    list_filter = ["group", "default_severity", "is_active"]
    search_fields = ["code", "label_zh", "label_en"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the stable key reports use; it is set once.
        return ["code", "group"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HoldAdmin(admin.ModelAdmin):
    list_display = ["account", "agency", "complaint", "placed_at", "lifted_at", "lifted_by"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "agency"]
    list_select_related = ["account", "agency", "complaint", "lifted_by"]
    search_fields = ["account__reference", "complaint__reference"]
    readonly_fields = ["account", "agency", "complaint", "placed_at", "lifted_at", "lifted_by", "lift_reason"]
    actions = ["lift"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Holds change only through the lift action.
        return False

    def has_lift_permission(self, request) -> bool:
        return request.user.has_perm("desk.lift_account_hold")

    @admin.action(description=_("Lift the selected holds…"), permissions=["lift"])
    def lift(self, request, queryset):
        now = request_now(request)
        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Lift holds"),
            apply=lambda hold, data: hold_lift(hold=hold, by=request.user, reason=data["reason"].strip(), now=now),
            done_message=lambda n: ngettext("%(count)d hold lifted.", "%(count)d holds lifted.", n) % {"count": n},
        )


class AgencyTicketAdmin(admin.ModelAdmin):
    list_display = [
        "complaint",
        "agency",
        "status",
        "opened_at",
        "response_due_at",
        "first_response_at",
        "extension_status",
    ]
    list_filter = ["status", "extension_status", "agency"]
    list_select_related = ["complaint", "agency", "response_target"]
    search_fields = ["complaint__reference"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TriageItemAdmin(admin.ModelAdmin):
    list_display = ["complaint", "opened_at", "flag_labels", "done_at", "done_by"]
    list_filter = [("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["complaint", "done_by"]
    search_fields = ["complaint__reference"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [("flag_labels" if field.name == "flags" else field.name) for field in self.model._meta.fields]

    @admin.display(description=_("flags"))
    def flag_labels(self, obj):
        """Routing stores the severity as its code and every other flag as
        a sentence for staff: show each as words, one per line."""
        labels = [str(Severity[flag].label) if flag in Severity.names else flag for flag in obj.flags]
        return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register_settings(site) -> None:
    site.register(SLAPolicy, SLAPolicyAdmin)
    site.register(Category, CategoryAdmin)
    site.register(Hold, HoldAdmin)
    site.register(AgencyTicket, AgencyTicketAdmin)
    site.register(TriageItem, TriageItemAdmin)
