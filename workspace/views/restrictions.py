"""What binds the agency on the accounts it handles: holds, the borrowers'
requests and stricter contact rules (kind and period only)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access import agency_required
from ..selectors import account_restrictions_for_agency

PAGE_SIZE = 50


@require_GET
@agency_required
def restrictions(request):
    rows = account_restrictions_for_agency(agency=request.agency, now=timezone.now())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agency/restrictions.html", {"page": page})
