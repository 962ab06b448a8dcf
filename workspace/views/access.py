"""For agency managers: their API tokens, recent API calls and sign-ins."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies.models import AgencyMembership

from ..access import agency_required
from ..selectors import agency_api_calls, agency_api_tokens, agency_sign_in_attempts


@require_GET
@agency_required
def access_overview(request):
    if request.membership.role != AgencyMembership.Role.MANAGER:
        reason = _("Only your agency's managers can see its API tokens and sign-ins.")
        return render(request, "agency/refused.html", {"reason": reason}, status=403)
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
