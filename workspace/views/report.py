"""Report a contact by hand: the same intake (and checks) as the API."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import agency_required
from ..forms import ContactReportForm
from ..ingest import CONFLICT, CREATED, EXISTS, contact_events_ingest
from ..selectors import accounts_assigned_to_agency


@require_http_methods(["GET", "POST"])
@agency_required
def report_contact(request):
    now = timezone.now()
    accounts = accounts_assigned_to_agency(agency=request.agency, now=now).order_by("reference")
    form = ContactReportForm(
        request.POST or None,
        accounts=accounts.values_list("reference", flat=True),
        collectors=request.agency.collectors.order_by("display_name"),
    )
    if request.method == "POST" and form.is_valid():
        result = contact_events_ingest(agency=request.agency, items=[form.as_item()], now=now).results[0]
        if result["status"] == CREATED:
            messages.success(request, _("The contact was recorded."))
            for warnings in result.get("warnings", {}).values():
                for warning in warnings:
                    messages.warning(request, warning)
            return redirect("agency:report_contact")
        if result["status"] == EXISTS:
            form.add_error("external_id", _("A contact with this reference was already recorded."))
        if result["status"] == CONFLICT:
            form.add_error(
                "external_id",
                _(
                    "A contact with this reference was already recorded with other details (%(fields)s). "
                    "Give a new contact a new reference."
                )
                % {"fields": ", ".join(str(form.fields[name].label) for name in result["fields"])},
            )
        for field, errors in result.get("errors", {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    return render(request, "agency/report_contact.html", {"form": form}, status=400 if form.errors else 200)
