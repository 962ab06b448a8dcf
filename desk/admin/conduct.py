from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conduct.models import Breach
from desk.compliance.filters import ReportFigureFilter

from .readonly import ReadOnlyAdmin


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    """What the rulebook found in reported contacts. Findings are facts: the
    desk reads them (and the scorecard counts them) but does not edit them."""

    list_display = ["contact_time", "rule", "agency", "collector", "account", "evidence_text"]
    list_filter = ["rule", "agency", ("detected_at", admin.DateFieldListFilter), ReportFigureFilter]
    list_select_related = ["contact_event__account", "agency", "collector"]
    search_fields = ["contact_event__account__reference", "collector__badge_number", "contact_event__external_id"]
    ordering = ["-contact_event__occurred_at", "-pk"]
    fields = ["contact_event", "rule", "agency", "collector", "evidence_text", "detected_at"]
    readonly_fields = fields

    @admin.display(description=_("contact made at"), ordering="contact_event__occurred_at")
    def contact_time(self, breach: Breach):
        return breach.contact_event.occurred_at

    @admin.display(description=_("account"), ordering="contact_event__account__reference")
    def account(self, breach: Breach):
        return breach.contact_event.account.reference

    @admin.display(description=_("evidence"))
    def evidence_text(self, breach: Breach) -> str:
        return breach.evidence
