"""The desk's own pages: the dashboard (open complaints by SLA state, this
week's breaches and the agencies' scorecards, as SVG charts with the numbers
beside them) and the monthly compliance report."""

from django.contrib.admin import site
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from complaints import permissions
from complaints.models import SLATarget
from complaints.sla_state import SlaState

from .actions import request_now
from .charts import bar_chart, line_chart, sparkline
from .compliance.forms import ReportChoiceForm
from .compliance.report import compliance_report, report_csv
from .selectors import (
    agency_scorecards,
    breaches_this_week,
    complaints_trend,
    open_complaints_by_sla_state,
    requests_needing_attention,
    week_start,
)
from .sla import duration_text

FIGURES_SECONDS = 60

# The chart shows the agencies with the highest complaint rates; the table
# beside it lists every one.
CHART_AGENCIES = 15

STATE_CSS = {
    SlaState.BREACHED: "bar-breached",
    SlaState.AT_RISK: "bar-at-risk",
    SlaState.ON_TRACK: "bar-on-track",
    SlaState.PAUSED: "bar-paused",
    SlaState.NONE: "bar",
}


def dashboard_figures(*, now) -> dict:
    """The dashboard's figures, computed at most once a minute: on a large
    book they take a few seconds, and a minute-old figure serves triage as
    well as a fresh one. The page says when they were computed."""
    key = f"desk:dashboard:{now:%Y%m%d%H%M}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "now": now,
            "by_state": open_complaints_by_sla_state(now=now),
            "breaches": breaches_this_week(now=now),
            "scores": agency_scorecards(now=now),
            "trend": complaints_trend(now=now),
            "requests": requests_needing_attention(now=now),
        }
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def dashboard(request):
    if not request.user.has_perm("desk.view_dashboard"):
        raise PermissionDenied
    figures = dashboard_figures(now=request_now(request))
    now, by_state, breaches, scores, trend = (
        figures["now"],
        figures["by_state"],
        figures["breaches"],
        figures["scores"],
        figures["trend"],
    )
    states = [
        (SlaState(state), by_state[state.value], "sla-" + state.value.replace("_", "-"))
        for state in (SlaState.BREACHED, SlaState.AT_RISK, SlaState.ON_TRACK, SlaState.PAUSED, SlaState.NONE)
    ]
    week_labels = [timezone.localtime(start).strftime("%m-%d") for start in (start for start, _count in trend)]

    scorecards = [
        {
            "score": score,
            "per_thousand": number_format(score.per_thousand, 1) if score.per_thousand is not None else "—",
            "median": duration_text(score.median_first_response) if score.median_first_response is not None else "—",
            "breach_rate": number_format(score.breach_rate * 100, 1) + "%" if score.breach_rate is not None else "—",
            "sparkline": sparkline(score.trend),
            "trend_text": ", ".join(str(n) for n in score.trend),
        }
        for score in scores
    ]
    context = {
        **site.each_context(request),
        "title": _("Desk dashboard"),
        "now": now,
        "week_start": week_start(now),
        "states": states,
        "open_total": by_state["total"],
        "state_chart": bar_chart((state.label, count, str(count), STATE_CSS[state]) for state, count, _css in states),
        "breaches": breaches,
        "breach_rows": [(label, breaches.get(kind, 0)) for kind, label in SLATarget.Kind.choices],
        "scorecards": scorecards,
        "rate_chart": bar_chart(
            (
                str(row["score"].agency),
                row["score"].per_thousand or 0,
                row["per_thousand"],
                "bar",
            )
            for row in scorecards[:CHART_AGENCIES]
        ),
        "chart_agencies": CHART_AGENCIES,
        "trend": trend,
        "trend_chart": line_chart([count for _start, count in trend], week_labels),
        "requests": figures["requests"],
    }
    return TemplateResponse(request, "desk/dashboard.html", context)


def compliance_report_page(request):
    """The monthly compliance report for a past month, on screen (printable)
    or as CSV."""
    if not permissions.user_may_read_compliance_report(request.user):
        raise PermissionDenied
    form = ReportChoiceForm(request.GET or None, now=request_now(request))
    report = None
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        report = compliance_report(period=form.cleaned_data["month"], agency_id=agency.pk if agency else None)
        if request.GET.get("format") == "csv":
            scope = f"agency-{agency.pk}" if agency else "all"
            response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="compliance-{report.period}-{scope}.csv"'
            return response
    context = {
        **site.each_context(request),
        "title": _("Monthly compliance report"),
        "form": form,
        "report": report,
        "csv_query": request.GET.urlencode() + "&format=csv" if report else "",
    }
    return TemplateResponse(request, "desk/compliance_report.html", context)
