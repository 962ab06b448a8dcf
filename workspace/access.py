"""Who is asking in the agency workspace: the member behind a signed-in user."""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from agencies.models import AgencyMembership
from agencies.verification import VERIFIED_SESSION_KEY


def agency_required(view):
    """Let in only agency members who passed both sign-in factors, and whose
    agency is still authorised; put ``request.membership`` and
    ``request.agency`` on the request for the view's scoped lookups.

    A member whose agency is suspended mid-session is signed out at their
    next request.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.session.get(VERIFIED_SESSION_KEY):
            return redirect_to_login(request.get_full_path(), login_url="agency:signin")
        membership = AgencyMembership.objects.select_related("agency").filter(user=request.user).first()
        if membership is None:
            reason = _("This user is not a member of a collection agency.")
            return render(request, "agency/refused.html", {"reason": reason}, status=403)
        if not membership.agency.is_active:
            logout(request)
            return render(request, "agency/suspended.html", status=403)
        request.membership = membership
        request.agency = membership.agency
        return view(request, *args, **kwargs)

    return wrapper
