"""Complaints submitted in the month by category, and decisions made in
the month by finding. The finding is read from the decision's timeline
event: a review may later change the complaint's own finding."""

from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform

from complaints.models import Complaint, TimelineEvent

from .figures import Section
from .period import Month


def base(*, period: Month, agency_id: int | None):
    queryset = Complaint.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
    if agency_id:
        queryset = queryset.filter(agency_id=agency_id)
    return queryset.annotate(grp=F("category_id"))


def decisions_base(*, period: Month, agency_id: int | None):
    queryset = TimelineEvent.objects.filter(kind=TimelineEvent.Kind.RESOLVED, at__gte=period.start, at__lt=period.end)
    if agency_id:
        queryset = queryset.filter(complaint__agency_id=agency_id)
    return queryset.annotate(grp=KeyTextTransform("finding", "data"))


BY_CATEGORY = Section(
    key="categories",
    changelist="admin:complaints_complaint_changelist",
    link_field="pk",
    base=base,
    figures={"submitted": lambda period: Q()},
)

BY_FINDING = Section(
    key="findings",
    changelist="admin:complaints_complaint_changelist",
    link_field="complaint_id",
    base=decisions_base,
    figures={"decisions": lambda period: Q()},
)
