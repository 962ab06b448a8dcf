"""Complaint deadlines that fell due in the month, by the complaint's
severity at the end of the month: met, breached, and breaches escalated
on time.

A deadline stopped before it fell due (an extension replaces it with a
later one; a withdrawal stops it) was never due. Severity comes from the
timeline's severity changes, so a change made after the month does not
move last month's figures.
"""

import datetime

from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from complaints.models import SLATarget, TimelineEvent

from .figures import Section
from .period import Month

# The SLA sweep escalates a breach the minute it finds it; one found later
# than this after the deadline was not escalated on time (our choice).
ESCALATION_GRACE = datetime.timedelta(minutes=15)


def _severity_change(key: str, **lookups):
    return Subquery(
        TimelineEvent.objects.filter(
            complaint_id=OuterRef("complaint_id"), kind=TimelineEvent.Kind.SEVERITY_CHANGED, **lookups
        )
        .order_by(("-" if key == "to" else "") + "at", ("-" if key == "to" else "") + "pk")
        .annotate(value=Cast(KeyTextTransform(key, "data"), IntegerField()))
        .values("value")[:1],
        output_field=IntegerField(),
    )


def severity_at(moment) -> Coalesce:
    """A complaint's severity at ``moment``: the last change before it, else
    what the first change after it changed from, else the current one."""
    return Coalesce(
        _severity_change("to", at__lt=moment),
        _severity_change("from", at__gte=moment),
        F("complaint__severity"),
        output_field=IntegerField(),
    )


def base(*, period: Month, agency_id: int | None):
    queryset = SLATarget.objects.filter(due_at__gte=period.start, due_at__lt=period.end).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("due_at"))
    )
    if agency_id:
        queryset = queryset.filter(complaint__agency_id=agency_id)
    return queryset.annotate(grp=severity_at(period.end))


def _met(period: Month) -> Q:
    return Q(met_at__lte=F("due_at"))


def _breached(period: Month) -> Q:
    return Q(met_at__isnull=True) | Q(met_at__gt=F("due_at"))


SECTION = Section(
    key="sla",
    changelist="admin:complaints_complaint_changelist",
    link_field="complaint_id",
    base=base,
    figures={
        "due": lambda period: Q(),
        "met": _met,
        "breached": _breached,
        "escalated_on_time": lambda period: _breached(period) & Q(escalated_at__lte=F("due_at") + ESCALATION_GRACE),
    },
)
