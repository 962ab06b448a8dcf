from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def portal(request):
    """What every page needs: the platform's hotline for the footer, and
    where the language switch returns (``language_next``)."""
    return {"platform_hotline": settings.PLATFORM_HOTLINE, "language_next": language_next(request)}


def language_next(request) -> str:
    """The page the language switch returns to: this one; or, when this is
    the answer to a form post (a refused form shown again), the page the
    form was on, from the post's ``Referer`` (sent within the site only),
    since the address posted to may take no GET."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()
