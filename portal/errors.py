"""The answers a visitor gets when a request fails: 400, 403, 404, 500 and a
refused CSRF check.

The pages are rendered without the request's context processors: those read
the session, the user and the database, and any of them may be what failed.
Paths under the API get JSON in DRF's wording instead of a page, so an
agency's client reads the same shape whether DRF or Django answered.
"""

import logging

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as api_exceptions

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
API_DETAILS = {
    400: api_exceptions.ParseError.default_detail,
    403: api_exceptions.PermissionDenied.default_detail,
    404: api_exceptions.NotFound.default_detail,
    500: api_exceptions.APIException.default_detail,
}
# Areas with a start page of their own: a link back there beats the borrowers' home page.
AREA_STARTS = [("agency:inbox", _("Agency workspace")), ("admin:index", _("Support desk"))]


def bad_request(request, exception):
    return _answer(request, status=400, template_name="400.html")


def permission_denied(request, exception):
    return _answer(request, status=403, template_name="403.html")


def page_not_found(request, exception):
    return _answer(request, status=404, template_name="404.html")


def server_error(request):
    return _answer(request, status=500, template_name="500.html")


def csrf_failure(request, reason=""):
    """Django's reason is framework English for developers; the visitor only
    needs to know to reload the form."""
    return _answer(request, status=403, template_name="403_csrf.html", previous_page=_previous_page(request))


def _answer(request, *, status: int, template_name: str, **extra) -> HttpResponse:
    """Never raises: when even this page fails, the visitor still gets the
    status and the hotline. Sets the CSP itself because a failure in a
    middleware outside django-csp's returns without passing through it."""
    try:
        with translation.override(_language(request)):
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": str(API_DETAILS[status])}, status=status)
            context = {
                "platform_hotline": settings.PLATFORM_HOTLINE,
                "home_url": reverse("portal:home"),
                "area_start": _area_start(request.path_info),
                **extra,
            }
            response = HttpResponse(loader.render_to_string(template_name, context, using="jinja2"), status=status)
            response[CSP_HEADER] = build_policy()
            return response
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        return HttpResponse(
            f"{status} · {settings.PLATFORM_HOTLINE}\n", status=status, content_type="text/plain; charset=utf-8"
        )


def _language(request) -> str:
    """The language LocaleMiddleware chose (cookie, then Accept-Language), or
    the one it would have chosen when the request failed before reaching it."""
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def _area_start(path: str) -> dict | None:
    for name, label in AREA_STARTS:
        url = reverse(name)
        if path.startswith(url):
            return {"url": url, "label": label}
    return None


def _previous_page(request) -> str | None:
    """The page the refused form came from, when it is one of ours: opening it
    again gives the visitor a fresh token."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return None
