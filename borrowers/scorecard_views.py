"""The public agency scorecards: open to anyone, served from the stored
quarterly figures, cacheable by browsers and proxies.

Each response carries Last-Modified and an ETag from the time the figures
behind it last changed and the newest saved version of the agencies' rows,
so a repeat visit is a 304 after two indexed reads, and a suspension or a
reinstatement (from the desk or the lender's feed) shows on the next
request. The body is built once per language and version and kept in the cache:
it is the same for everyone, because the pages are rendered without the
request (no session, no messages, no CSRF token, no signed-in navigation).
"""

import csv
import functools
import io

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from common.spreadsheet import csv_cell
from scorecards.selectors import (
    MIN_CASES,
    agency_scorecard,
    public_agencies,
    scorecards_table,
    scorecards_version,
)

from .scorecard_chart import scorecard_trend_svg

MAX_AGE_SECONDS = 300
CACHE_SECONDS = 24 * 3600
# Each process also keeps the bodies it served last, which saves the cache's
# round trip on the busiest pages. Keys name the version, so an entry is
# never stale; the bound keeps old versions from piling up.
RECENT_BODIES = 256
_recent: dict[str, str] = {}


def _version(request: HttpRequest, agency_id: int | None = None):
    """Read once per request: the ETag is made from the same version."""
    if not hasattr(request, "_scorecards_version"):
        request._scorecards_version = scorecards_version(now=timezone.now(), agency_id=agency_id)
    return request._scorecards_version


def _last_modified(request: HttpRequest, agency_id: int | None = None):
    return _version(request, agency_id).last_modified


def _etag(request: HttpRequest, agency_id: int | None = None) -> str:
    version = _version(request, agency_id).tag
    # The day is part of it: which agencies are public depends on the date.
    day = timezone.localdate().isoformat()
    return f"{request.resolver_match.url_name}-{agency_id or 0}-{get_language()}-{day}-{version}"


def _cached_body(request: HttpRequest, build, agency_id: int | None = None) -> str | bytes | None:
    """The body for this page, language and version, built at most once
    per cache lifetime. ``build`` returns None for a page that is not public."""
    key = "scorecards:" + _etag(request, agency_id)
    body = _recent.get(key)
    if body is not None:
        return body
    body = cache.get(key)
    if body is None:
        body = build()
        if body is None:
            raise Http404
        cache.set(key, body, CACHE_SECONDS)
    if len(_recent) >= RECENT_BODIES:
        _recent.clear()
    _recent[key] = body
    return body


def _render(template: str, context: dict) -> str:
    return render_to_string(
        template,
        {**context, "min_cases": MIN_CASES, "platform_hotline": settings.PLATFORM_HOTLINE},
        using="jinja2",
    )


def public_cache(view):
    """GET only, public for a few minutes, varying by language."""

    @require_GET
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapped


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecards(request: HttpRequest) -> HttpResponse:
    def build():
        return _render("portal/scorecards.html", {"agencies": public_agencies(now=timezone.now()).order_by("name")})

    return HttpResponse(_cached_body(request, build))


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecard(request: HttpRequest, agency_id: int) -> HttpResponse:
    def build():
        card = agency_scorecard(agency_id=agency_id, now=timezone.now())
        return _render("portal/scorecard.html", {"card": card}) if card else None

    return HttpResponse(_cached_body(request, build, agency_id))


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecard_chart(request: HttpRequest, agency_id: int) -> HttpResponse:
    def build():
        card = agency_scorecard(agency_id=agency_id, now=timezone.now())
        return scorecard_trend_svg(agency_name=str(card.agency), quarters=card.quarters) if card else None

    response = HttpResponse(_cached_body(request, build, agency_id), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecards_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_cached_body(request, _csv_text), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agency-scorecards.csv"'
    return response


def _csv_text() -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Agency"), _("Licence or registration"), _("Quarter"), _("Quarter over"), _("Figure"), _("Value"), _("Unit")]
    )
    for agency, quarter in scorecards_table(now=timezone.now()):
        for figure in quarter.figures:
            writer.writerow(
                [
                    csv_cell(agency.name),
                    csv_cell(agency.licence_number),
                    quarter.label,
                    _("yes") if quarter.complete else _("no"),
                    csv_cell(figure.label),
                    figure.value if figure.published else _("too few to publish"),
                    _("per 1,000 contacts") if figure.per_thousand_contacts else figure.unit,
                ]
            )
    return out.getvalue()
