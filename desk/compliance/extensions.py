"""Extensions granted in the month and who approved them: the decision
deadline extended for the borrower (approved by the supervisor named on a
second extension, else by whoever extended it) and agencies given more
time to respond."""

from django.db.models import F, IntegerField, Q, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf

from complaints.models import TimelineEvent

from .figures import Section
from .period import Month

Kind = TimelineEvent.Kind


def base(*, period: Month, agency_id: int | None):
    queryset = TimelineEvent.objects.filter(
        kind__in=(Kind.EXTENDED, Kind.EXTENSION_APPROVED), at__gte=period.start, at__lt=period.end
    )
    if agency_id:
        queryset = queryset.filter(complaint__agency_id=agency_id)
    approver = Coalesce(
        # SQLite reads a JSON null as the text "null".
        Cast(NullIf(KeyTextTransform("approved_by", "data"), Value("null")), IntegerField()),
        F("author_id"),
        output_field=IntegerField(),
    )
    return queryset.annotate(grp=approver)


SECTION = Section(
    key="extensions",
    changelist="admin:complaints_complaint_changelist",
    link_field="complaint_id",
    base=base,
    figures={
        "decision": lambda period: Q(kind=Kind.EXTENDED),
        "agency_response": lambda period: Q(kind=Kind.EXTENSION_APPROVED),
    },
)
