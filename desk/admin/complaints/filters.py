"""Changelist filters of the complaint desk. Choices are allow-listed; no
client-supplied value reaches the ORM unchecked."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from agencies.models import Collector
from desk.actions import request_now
from desk.roles import ROLES_BY_CODE
from desk.sla import SlaState, sla_state_filter


class SlaStateFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return SlaState.choices

    def queryset(self, request, queryset):
        if self.value() in SlaState.values:
            return sla_state_filter(queryset, state=self.value(), now=request_now(request))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        choices = [("mine", _("Me")), ("none", _("Nobody"))]
        staff = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, groups__name__in=list(ROLES_BY_CODE))
            .exclude(pk=request.user.pk)
            .distinct()
            .order_by("username")
        )
        choices += [(str(user.pk), user.get_full_name() or user.get_username()) for user in staff]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class CollectorFilter(admin.SimpleListFilter):
    """Collectors of the agency chosen in the agency filter (an agency may
    have thousands; listing them all helps nobody)."""

    title = _("collector")
    parameter_name = "collector"

    def lookups(self, request, model_admin):
        agency = request.GET.get("agency__id__exact", "")
        if not agency.isdigit():
            return []
        return [
            (str(collector.pk), str(collector))
            for collector in Collector.objects.filter(agency_id=int(agency)).order_by("display_name")[:500]
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(collector_id=int(value))
        return queryset


class TriageFilter(admin.SimpleListFilter):
    """The triage queue: complaints routing put there that nobody has taken
    yet (assigning a complaint triages it)."""

    title = _("triage")
    parameter_name = "triage"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for triage")), ("done", _("Triaged"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(triage__isnull=False, triage__done_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(triage__done_at__isnull=False)
        return queryset
