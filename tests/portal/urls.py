"""The portal's URLs and error handlers, plus views that fail on purpose in
each area, so that the error pages are reached the way a real failure reaches them."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401 - Django reads them from here
from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("internal detail that must not reach the visitor")


def forbidden(request):
    raise PermissionDenied("internal detail that must not reach the visitor")


urlpatterns = [
    *(path(f"{area}broken/", broken) for area in ("", "agency/", "admin/", "api/")),
    *(path(f"{area}forbidden/", forbidden) for area in ("", "agency/", "admin/", "api/")),
    *portal_urlpatterns,
]
