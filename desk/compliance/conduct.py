"""Conduct breaches by rule, counted by the time of the contact that broke
the rule (not when the check found it), and the contacts they are measured
against."""

from django.db.models import F, Q, Value

from conduct.models import Breach
from loans.models import ContactEvent

from .figures import Section
from .period import Month


def base(*, period: Month, agency_id: int | None):
    queryset = Breach.objects.filter(
        contact_event__occurred_at__gte=period.start, contact_event__occurred_at__lt=period.end
    )
    if agency_id:
        queryset = queryset.filter(agency_id=agency_id)
    return queryset.annotate(grp=F("rule"))


def contacts_base(*, period: Month, agency_id: int | None):
    queryset = ContactEvent.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
    if agency_id:
        queryset = queryset.filter(agency_id=agency_id)
    return queryset.annotate(grp=Value(""))


SECTION = Section(
    key="conduct",
    changelist="admin:conduct_breach_changelist",
    link_field="pk",
    base=base,
    figures={"breaches": lambda period: Q()},
)

CONTACTS = Section(
    key="contacts",
    changelist="admin:loans_contactevent_changelist",
    link_field="pk",
    base=contacts_base,
    figures={"contacts": lambda period: Q()},
)


def per_thousand(breaches: int, contacts: int) -> float | None:
    return round(breaches * 1000 / contacts, 2) if contacts else None
