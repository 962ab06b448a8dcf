"""Advance notices due in the month, by measure kind: on time, late or
missing, judged from the first issue time of any notice of the measure
against the notice deadline, as things stood at the end of the month."""

from django.db.models import F, OuterRef, Q, Subquery

from notices.models import MeasureNoticeState, Notice

from .figures import Section
from .period import Month


def base(*, period: Month, agency_id: int | None):
    first_issued = (
        Notice.objects.filter(measure_id=OuterRef("measure_id"), issued_at__isnull=False)
        .order_by("issued_at")
        .values("issued_at")[:1]
    )
    queryset = MeasureNoticeState.objects.filter(
        notice_deadline__gte=period.start, notice_deadline__lt=period.end
    ).exclude(compliance=MeasureNoticeState.Compliance.NOT_REQUIRED)
    if agency_id:
        queryset = queryset.filter(measure__performer_id=agency_id)
    return queryset.annotate(grp=F("kind"), first_issued=Subquery(first_issued))


SECTION = Section(
    key="notices",
    changelist="admin:notices_measurenoticestate_changelist",
    link_field="pk",
    base=base,
    figures={
        "due": lambda period: Q(),
        "on_time": lambda period: Q(first_issued__lte=F("notice_deadline")),
        "late": lambda period: Q(first_issued__gt=F("notice_deadline"), first_issued__lt=period.end),
        "missing": lambda period: Q(first_issued__isnull=True) | Q(first_issued__gte=period.end),
    },
)
