"""The public agency scorecards: open to anyone, served from the stored
quarterly figures, cacheable by browsers and proxies.

Each response carries Last-Modified and an ETag from the time the figures
behind it last changed, so a repeat visit is a 304 after one indexed read.
"""

import csv
import functools

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from common.spreadsheet import csv_cell
from scorecards.selectors import (
    MIN_CASES,
    RULE_FAMILY_LABELS,
    agency_scorecard,
    public_agencies,
    scorecards_last_computed,
    scorecards_table,
)

from .scorecard_chart import scorecard_trend_svg

MAX_AGE_SECONDS = 300


def _last_modified(request: HttpRequest, agency_id: int | None = None):
    return scorecards_last_computed(now=timezone.now(), agency_id=agency_id)


def _etag(request: HttpRequest, agency_id: int | None = None) -> str:
    computed = _last_modified(request, agency_id)
    stamp = computed.timestamp() if computed else 0
    return f"{request.resolver_match.url_name}-{agency_id or 0}-{get_language()}-{stamp:.0f}"


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
    now = timezone.now()
    return render(
        request,
        "portal/scorecards.html",
        {"agencies": public_agencies(now=now).order_by("name"), "min_cases": MIN_CASES, "families": RULE_FAMILY_LABELS},
    )


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecard(request: HttpRequest, agency_id: int) -> HttpResponse:
    card = agency_scorecard(agency_id=agency_id, now=timezone.now())
    if card is None:
        raise Http404
    return render(
        request,
        "portal/scorecard.html",
        {"card": card, "min_cases": MIN_CASES, "families": RULE_FAMILY_LABELS},
    )


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecard_chart(request: HttpRequest, agency_id: int) -> HttpResponse:
    card = agency_scorecard(agency_id=agency_id, now=timezone.now())
    if card is None:
        raise Http404
    response = HttpResponse(
        scorecard_trend_svg(agency_name=str(card.agency), quarters=card.quarters), content_type="image/svg+xml"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def scorecards_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agency-scorecards.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("Agency"), _("Licence or registration"), _("Quarter"), _("Quarter over"), _("Figure"), _("Value")]
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
                ]
            )
    return response
