"""Plain admins for agencies, collectors and their numbers. The support desk
(desk/admin.py) replaces them with versions that suspend through services."""

from django.contrib import admin

from desk.history import DeskHistoryAdmin

from .models import Agency, AuthorisedNumber, Collector


@admin.register(Agency)
class AgencyAdmin(DeskHistoryAdmin):
    list_display = ["name", "short_name", "kind", "status", "licence_number", "authorised_since"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "short_name", "licence_number", "external_id"]


@admin.register(Collector)
class CollectorAdmin(DeskHistoryAdmin):
    list_display = ["display_name", "badge_number", "agency", "status"]
    list_filter = ["status", "agency"]
    list_select_related = ["agency"]
    search_fields = ["display_name", "badge_number", "external_id"]
    raw_id_fields = ["agency"]


@admin.register(AuthorisedNumber)
class AuthorisedNumberAdmin(DeskHistoryAdmin):
    list_display = ["display", "agency", "collector", "valid_from", "valid_until"]
    list_filter = ["agency"]
    list_select_related = ["agency", "collector"]
    search_fields = ["number", "external_id", "collector__badge_number"]
    raw_id_fields = ["agency", "collector"]
