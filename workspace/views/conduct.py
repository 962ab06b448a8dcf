"""The conduct rulebook's findings about the agency's own contacts."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conduct.selectors import breaches_for_agency

from ..access import agency_required
from ..forms import BreachFilterForm

PAGE_SIZE = 50


@require_GET
@agency_required
def conduct(request):
    form = BreachFilterForm(request.GET or None)
    rule = None
    if form.is_valid():
        rule = form.cleaned_data["rule"] or None
    breaches = breaches_for_agency(agency=request.agency, rule=rule)
    page = Paginator(breaches, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "agency/conduct.html", {"form": form, "page": page, "query": query.urlencode()})
