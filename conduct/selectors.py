import datetime

from django.db.models import Count, QuerySet

from .models import Breach


def breaches_by_agency(*, since: datetime.datetime, until: datetime.datetime) -> dict[int, int]:
    """For the scorecard: per agency id, the conduct breaches in contacts made in [since, until]."""
    rows = (
        Breach.objects.filter(contact_event__occurred_at__gte=since, contact_event__occurred_at__lte=until)
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agency_id"]: row["n"] for row in rows}


def breaches_for_agency(*, agency, rule: str | None = None) -> QuerySet[Breach]:
    """The breaches found in the agency's own contacts, latest contact first."""
    breaches = Breach.objects.filter(agency=agency)
    if rule:
        breaches = breaches.filter(rule=rule)
    return breaches.select_related("contact_event__account", "collector").order_by("-contact_event__occurred_at", "-pk")


def breaches_of_contacts(contact_ids) -> dict[int, list[Breach]]:
    """The breaches of these contacts with their evidence, by contact id (one query)."""
    found: dict[int, list[Breach]] = {}
    for breach in Breach.objects.filter(contact_event_id__in=list(contact_ids)).order_by("contact_event_id", "rule"):
        found.setdefault(breach.contact_event_id, []).append(breach)
    return found
