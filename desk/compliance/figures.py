"""A report section's figures: named conditions on one kind of stored fact,
counted per group, and the desk link that lists the rows behind each."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from .period import Month

# The admin list filter that shows the rows behind a figure reads this
# query parameter (see ``desk.compliance.filters``).
PARAMETER = "report"
ALL = "all"


@dataclass(frozen=True)
class Section:
    key: str
    # The changelist the rows are shown in, and the field of a section row
    # that is that changelist's primary key.
    changelist: str
    link_field: str
    # The section's facts in a month (annotated with ``grp``, the row of the
    # report table they fall in) and its figures as conditions on them.
    base: Callable[..., QuerySet]
    figures: dict[str, Callable[[Month], Q]]

    def counts(self, *, period: Month, agency_id: int | None) -> dict:
        """``{group: {figure: count}}`` in one query."""
        aggregates = {name: Count("pk", filter=condition(period)) for name, condition in self.figures.items()}
        rows = self.base(period=period, agency_id=agency_id).values("grp").annotate(**aggregates).order_by()
        return {row.pop("grp"): row for row in rows}

    def rows(self, *, period: Month, agency_id: int | None, figure: str, group: str) -> QuerySet:
        queryset = self.base(period=period, agency_id=agency_id).filter(self.figures[figure](period))
        if group == "":
            return queryset
        if group == "none":
            return queryset.filter(grp__isnull=True)
        return queryset.filter(grp=group)

    def url(self, *, period: Month, agency_id: int | None, figure: str, group) -> str:
        group = "" if group == "" else ("none" if group is None else group)
        value = ":".join([str(period), str(agency_id or ALL), self.key, figure, str(group)])
        return reverse(self.changelist) + "?" + urlencode({PARAMETER: value})


def figure_parse(value: str) -> tuple[Month, int | None, str, str, str] | None:
    """The parts of a link's parameter, or ``None`` if it is not one."""
    parts = (value or "").split(":")
    if len(parts) != 5:
        return None
    period = Month.parse(parts[0])
    if period is None or not (parts[1] == ALL or parts[1].isdigit()):
        return None
    return period, (None if parts[1] == ALL else int(parts[1])), parts[2], parts[3], parts[4]
