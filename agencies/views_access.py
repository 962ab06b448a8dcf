"""For agency managers: their API tokens, recent API calls and sign-ins."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .access import agency_required
from .models import AgencyMembership
from .workspace_selectors import agency_api_calls, agency_api_tokens, agency_sign_in_attempts


@require_GET
@agency_required
def access_overview(request):
    if request.membership.role != AgencyMembership.Role.MANAGER:
        raise PermissionDenied
    return render(
        request,
        "agency/access.html",
        {
            "now": timezone.now(),
            "tokens": agency_api_tokens(agency=request.agency),
            "calls": agency_api_calls(agency=request.agency),
            "attempts": agency_sign_in_attempts(agency=request.agency),
        },
    )
