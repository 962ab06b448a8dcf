"""What borrowers asked of collectors, for the accounts the agency handles."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.masking import mask_name

from ..access import agency_required
from ..selectors import accounts_assigned_to_agency, preference_changes_for_agency

PAGE_SIZE = 50


@require_GET
@agency_required
def preferences(request):
    now = timezone.now()
    changes = preference_changes_for_agency(agency=request.agency, now=now)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    references = defaultdict(list)
    for borrower_id, reference in (
        accounts_assigned_to_agency(agency=request.agency, now=now)
        .filter(borrower_id__in={change.borrower_id for change in page.object_list})
        .values_list("borrower_id", "reference")
    ):
        references[borrower_id].append(reference)
    for change in page.object_list:
        change.masked_name = mask_name(change.borrower.name)
        change.references = references[change.borrower_id]
    return render(request, "agency/preferences.html", {"page": page})
