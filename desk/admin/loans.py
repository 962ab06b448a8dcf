"""Admin for the collection domain.

Stages are the lender's configuration and are edited here. Borrowers, accounts
and their history come from the lender's feed (``manage.py import_feed``): the
next import would overwrite an edit, so they are shown read-only, with phone
and ID numbers masked. Each page that shows a borrower's data records the
view in the personal-data access log.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from desk.compliance.filters import ReportFigureFilter
from desk.history import DeskHistoryAdmin
from desk.personal_data import PersonalDataAdminMixin
from loans.models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    Stage,
    StageChange,
)

from .readonly import ReadOnlyAdmin


class FeedDataAdmin(ReadOnlyAdmin):
    """Read-only: the lender's feed is the source of truth."""


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Stage)
class StageAdmin(DeskHistoryAdmin):
    list_display = ["code", "position", "name_zh", "name_en", "min_days_past_due", "max_days_past_due", "on_ladder"]
    list_editable = ["position"]
    list_filter = ["on_ladder"]
    search_fields = ["code", "name_zh", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "position", "on_ladder", ("min_days_past_due", "max_days_past_due")]}),
        (_("Chinese"), {"fields": ["name_zh", "explanation_zh", "handler_zh", "measures_zh"]}),
        (_("English"), {"fields": ["name_en", "explanation_en", "handler_en", "measures_en"]}),
    ]


class LoanAccountInline(ReadOnlyInline):
    model = LoanAccount
    fields = ["reference", "product", "amount_overdue", "stage", "stage_since"]
    readonly_fields = fields


@admin.register(Borrower)
class BorrowerAdmin(PersonalDataAdminMixin, FeedDataAdmin):
    list_display = ["external_id", "name", "masked_phone", "masked_id_number"]
    search_fields = ["external_id", "name", "phone"]
    fields = ["external_id", "name", "masked_phone", "masked_id_number", "email", "user"]
    readonly_fields = fields
    inlines = [LoanAccountInline]

    def personal_data_subject(self, obj) -> str:
        return f"borrower {obj.external_id}"

    def personal_data_borrower_id(self, obj) -> int | None:
        return obj.pk

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return obj.masked_id_number


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fields = ["stage", "changed_at", "external_id"]
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["agency", "collector", "starts_at", "ends_at", "external_id"]
    readonly_fields = fields


class ScheduledMeasureInline(ReadOnlyInline):
    model = ScheduledMeasure
    fields = ["kind", "planned_for", "performer", "status"]
    readonly_fields = fields


@admin.register(LoanAccount)
class LoanAccountAdmin(PersonalDataAdminMixin, FeedDataAdmin):
    list_display = [
        "reference",
        "borrower",
        "product",
        "principal",
        "amount_overdue",
        "due_date",
        "stage",
        "stage_since",
    ]
    list_filter = ["stage", "product"]
    list_select_related = ["borrower", "stage"]
    search_fields = ["reference", "borrower__external_id", "borrower__name", "borrower__phone"]
    date_hierarchy = "due_date"
    raw_id_fields = ["borrower"]
    inlines = [StageChangeInline, AssignmentInline, ScheduledMeasureInline]

    def personal_data_subject(self, obj) -> str:
        return f"loan account {obj.reference} of borrower {obj.borrower.external_id}"


@admin.register(StageChange)
class StageChangeAdmin(FeedDataAdmin):
    list_display = ["account", "stage", "changed_at", "external_id"]
    list_filter = ["stage"]
    list_select_related = ["account", "stage"]
    search_fields = ["account__reference", "external_id"]
    raw_id_fields = ["account"]


@admin.register(Assignment)
class AssignmentAdmin(FeedDataAdmin):
    list_display = ["account", "agency", "collector", "starts_at", "ends_at"]
    list_filter = ["agency"]
    list_select_related = ["account", "agency", "collector"]
    search_fields = ["account__reference", "external_id", "collector__badge_number"]
    raw_id_fields = ["account", "agency", "collector"]


@admin.register(ContactEvent)
class ContactEventAdmin(FeedDataAdmin):
    list_display = ["occurred_at", "account", "agency", "collector", "channel", "party", "outcome"]
    list_filter = ["channel", "party", "outcome", "agency", ReportFigureFilter]
    list_select_related = ["account", "agency", "collector"]
    search_fields = ["account__reference", "external_id", "collector__badge_number", "recording_ref"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["account", "agency", "collector", "second_collector"]


@admin.register(ScheduledMeasure)
class ScheduledMeasureAdmin(FeedDataAdmin):
    list_display = ["planned_for", "account", "kind", "performer", "status"]
    list_filter = ["kind", "status", "performer"]
    list_select_related = ["account", "performer"]
    search_fields = ["account__reference", "external_id"]
    date_hierarchy = "planned_for"
    raw_id_fields = ["account", "performer"]


@admin.register(ContactPreference)
class ContactPreferenceAdmin(PersonalDataAdminMixin, DeskHistoryAdmin, FeedDataAdmin):
    """The borrower's own choice: staff read it, only the borrower changes it."""

    list_display = [
        "borrower",
        "no_third_party_contact",
        "window_start",
        "window_end",
        "preferred_channel",
        "updated_at",
    ]
    list_filter = ["no_third_party_contact", "preferred_channel"]
    list_select_related = ["borrower"]
    search_fields = ["borrower__external_id", "borrower__name"]
    raw_id_fields = ["borrower"]

    def personal_data_subject(self, obj) -> str:
        return f"contact preference of borrower {obj.borrower.external_id}"
