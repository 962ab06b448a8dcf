"""Changelist filters of the borrower-request desk. Choices are
allow-listed; no client-supplied value reaches the ORM unchecked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from borrowerrequests.models import RequestDeadline
from borrowerrequests.selectors import requests_in_sla_state
from complaints.sla_state import SlaState
from desk.actions import request_now


class RequestSlaStateFilter(admin.SimpleListFilter):
    """The staff deadline's state by the complaints' one rule: a request has
    at most one open deadline, so its badge is that deadline's state."""

    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return SlaState.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == SlaState.NONE:
            running = RequestDeadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
            return queryset.exclude(pk__in=running.values("request_id"))
        if value in SlaState.values:
            matching = requests_in_sla_state(state=value, now=request_now(request))
            return queryset.filter(pk__in=matching.values("pk"))
        return queryset
