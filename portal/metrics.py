"""Metrics in Prometheus's text format, for the operator's scraper only.

Two sources: counters kept in the process (``common.metrics``: requests,
tasks, sign-in codes, delivery tries) and gauges read from the database at
scrape time (:class:`DatabaseCollector`: the outbox, webhooks per agency,
SLA targets, notices, the conduct check, beat's heartbeat). The database
figures are the same whichever process answers, so they need no
multi-process mode; the counters do, when web and workers run as several
processes (``PROMETHEUS_MULTIPROC_DIR``, README, Runbook).

The endpoint answers only a bearer token equal to ``METRICS_TOKEN``; with
no token set, or a wrong one, it does not exist (404).
"""

import datetime
import hmac
import os

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from agencies.models import Agency
from common.heartbeat import heartbeat_age
from complaints.models import SLATarget
from complaints.services.notify import WEBHOOK
from complaints.sla_state import SlaState, sla_state_q
from conduct.models import Breach
from loans.models import ContactEvent
from notices.models import NoticeDelivery
from outbox.models import Obligation


class DatabaseCollector:
    """Gauges computed from the database on each scrape: a dozen grouped
    counts on indexed columns."""

    def describe(self):
        return []

    def collect(self):
        now = timezone.now()
        yield from self._outbox(now=now)
        yield self._webhooks()
        yield self._sla(now=now)
        yield self._notices()
        yield from self._conduct()
        yield self._beat(now=now)

    def _outbox(self, *, now: datetime.datetime):
        open_statuses = [Obligation.Status.PENDING, Obligation.Status.FAILED]
        by_kind = GaugeMetricFamily(
            "portal_outbox_obligations", "Outbox rows pending or failed, by kind.", labels=["kind", "status"]
        )
        for row in (
            Obligation.objects.filter(status__in=open_statuses)
            .values("kind", "status")
            .annotate(n=Count("pk"))
            .order_by("kind", "status")
        ):
            by_kind.add_metric([row["kind"], row["status"]], row["n"])
        yield by_kind
        oldest = Obligation.objects.filter(status=Obligation.Status.PENDING, next_attempt_at__lte=now).aggregate(
            oldest=Min("next_attempt_at")
        )["oldest"]
        yield GaugeMetricFamily(
            "portal_outbox_oldest_due_seconds",
            "How long the oldest due outbox row has waited for a worker.",
            value=0 if oldest is None else max((now - oldest).total_seconds(), 0),
        )

    def _webhooks(self):
        """Webhook rows by agency and status: the outbox by agency, for
        the one kind that goes to agencies' own servers."""
        family = GaugeMetricFamily(
            "portal_webhook_obligations", "Agency webhooks by agency and status.", labels=["agency", "status"]
        )
        rows = list(
            Obligation.objects.filter(kind=WEBHOOK)
            .values("payload__agency_id", "status")
            .annotate(n=Count("pk"))
            .order_by("payload__agency_id", "status")
        )
        names = dict(
            Agency.objects.filter(pk__in={row["payload__agency_id"] for row in rows}).values_list("pk", "short_name")
        )
        for row in rows:
            agency_id = row["payload__agency_id"]
            label = names.get(agency_id) or str(agency_id)
            family.add_metric([label, row["status"]], row["n"])
        return family

    def _sla(self, *, now: datetime.datetime):
        family = GaugeMetricFamily(
            "portal_sla_targets", "Open SLA targets at risk (past the warning) or breached.", labels=["state"]
        )
        counts = SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True).aggregate(
            at_risk=Count("pk", filter=sla_state_q(SlaState.AT_RISK, now=now)),
            breached=Count("pk", filter=sla_state_q(SlaState.BREACHED, now=now)),
        )
        for state, value in counts.items():
            family.add_metric([state], value)
        return family

    def _notices(self):
        family = GaugeMetricFamily(
            "portal_notice_deliveries",
            "Notice deliveries waiting, queued or failed, by channel.",
            labels=["channel", "status"],
        )
        for row in (
            NoticeDelivery.objects.filter(
                status__in=[NoticeDelivery.Status.WAITING, NoticeDelivery.Status.QUEUED, NoticeDelivery.Status.FAILED]
            )
            .values("channel", "status")
            .annotate(n=Count("pk"))
            .order_by("channel", "status")
        ):
            family.add_metric([row["channel"], row["status"]], row["n"])
        return family

    def _conduct(self):
        yield GaugeMetricFamily(
            "portal_conduct_backlog",
            "Reported contacts not yet checked against the conduct rulebook.",
            value=ContactEvent.objects.filter(conduct_checked_at__isnull=True).count(),
        )
        family = GaugeMetricFamily(
            "portal_conduct_breaches", "Conduct breaches found, by rule (all time).", labels=["rule"]
        )
        for row in Breach.objects.values("rule").annotate(n=Count("pk")).order_by("rule"):
            family.add_metric([row["rule"]], row["n"])
        yield family

    def _beat(self, *, now: datetime.datetime):
        age = heartbeat_age(now=now)
        return GaugeMetricFamily(
            "portal_beat_heartbeat_age_seconds",
            "Seconds since beat's heartbeat task last ran (+Inf when it never did).",
            value=float("inf") if age is None else age.total_seconds(),
        )


def _registry() -> CollectorRegistry:
    """The process's counters (or every process's, in multi-process mode)
    and the database's gauges, gathered afresh for each scrape."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return registry


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
