import datetime

from django.db.models import Count

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


def breached_rules_of_contacts(contact_ids) -> dict[int, list[str]]:
    """The rules these contacts broke, by contact id (one query)."""
    found: dict[int, list[str]] = {}
    for contact_id, rule in Breach.objects.filter(contact_event_id__in=list(contact_ids)).values_list(
        "contact_event_id", "rule"
    ):
        found.setdefault(contact_id, []).append(rule)
    return found
