"""What has silently stopped, for the red banner on every desk page.

Three stalls, each with where to act: beat's heartbeat is stale (nothing
the sweeps do happens: SLA warnings, notices due, conduct checks, re-sends);
deliveries have failed for good (the outbox admin, filtered, where staff
send them again); an agency's webhooks have failed for over an hour (the
outbox admin filtered to that kind). Two queries and the heartbeat's row,
reused for ``DESK_STALLS_CACHE_SECONDS``: the banner is on every page.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from common.heartbeat import heartbeat_age
from complaints.services.notify import WEBHOOK
from outbox.models import Obligation

CACHE_KEY = "desk:stalls"


@dataclasses.dataclass(frozen=True)
class Stall:
    code: str
    agency_ids: tuple[int, ...] = ()
    count: int = 0
    age_seconds: int | None = None


def stalls_find(*, now: datetime.datetime) -> list[Stall]:
    found = []
    age = heartbeat_age(now=now)
    if age is None or age.total_seconds() > settings.READINESS_BEAT_MAX_AGE_SECONDS:
        found.append(Stall(code="beat", age_seconds=None if age is None else int(age.total_seconds())))
    failed = Obligation.objects.filter(status=Obligation.Status.FAILED).count()
    if failed:
        found.append(Stall(code="failed", count=failed))
    # Still pending after tries that failed, and the first of them older than
    # the limit: the row was created before it and has not got through since.
    since = now - datetime.timedelta(seconds=settings.DESK_WEBHOOK_FAILING_SECONDS)
    failing = (
        Obligation.objects.filter(kind=WEBHOOK, status=Obligation.Status.PENDING, attempts__gt=0)
        .exclude(last_error="")
        .values("payload__agency_id")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .filter(first__lte=since)
        .order_by("payload__agency_id")
    )
    rows = list(failing)
    if rows:
        found.append(
            Stall(
                code="webhooks",
                agency_ids=tuple(row["payload__agency_id"] for row in rows),
                count=sum(row["n"] for row in rows),
            )
        )
    return found


def stalls_cached(*, now: datetime.datetime) -> list[Stall]:
    found = cache.get(CACHE_KEY)
    if found is None:
        found = stalls_find(now=now)
        cache.set(CACHE_KEY, found, timeout=settings.DESK_STALLS_CACHE_SECONDS)
    return found


def stall_messages(stalls: list[Stall]) -> list[dict]:
    """Each stall as the banner shows it: what is wrong, and a link to what to do."""
    outbox = reverse("admin:outbox_obligation_changelist")
    runbook = settings.RUNBOOK_URL
    messages = []
    for stall in stalls:
        if stall.code == "beat":
            messages.append(
                {
                    "text": _("Celery beat has stopped: SLA warnings, notices due, conduct checks and re-sends wait."),
                    "link": runbook,
                    "link_text": _("Runbook: Beat has stopped"),
                }
            )
        elif stall.code == "failed":
            messages.append(
                {
                    "text": ngettext(
                        "%(count)d delivery has failed for good and needs staff.",
                        "%(count)d deliveries have failed for good and need staff.",
                        stall.count,
                    )
                    % {"count": stall.count},
                    "link": f"{outbox}?status__exact=failed",
                    "link_text": _("Show the failed deliveries"),
                }
            )
        else:
            names = Agency.objects.filter(pk__in=stall.agency_ids).values_list("short_name", "name")
            messages.append(
                {
                    "text": _("Webhooks to %(agencies)s have failed for over an hour.")
                    % {"agencies": "、".join(short or name for short, name in names)},
                    "link": f"{outbox}?kind__exact={WEBHOOK}&status__exact=pending",
                    "link_text": _("Show the waiting webhooks"),
                }
            )
    return messages
