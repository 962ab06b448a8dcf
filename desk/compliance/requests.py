"""Dispute and vulnerability requests (and the other kinds of borrowers'
requests): those received in the month by kind, and the staff deadlines
that fell due in the month, met on time or late.

Read from stored times only (``filed_at``; a deadline's ``due_at``,
``met_at`` and ``cancelled_at``), so a closed month gives the same figures
whenever it is run. As for complaints' deadlines, one stopped before it
fell due (the borrower withdrew) was never due; one that fell due and was
met after it, or not met at all, was late.

For one agency: requests about accounts it held when they were received
(a request about the borrower as a person counts for every agency that
held one of their accounts then).
"""

from django.db.models import Exists, F, OuterRef, Q

from borrowerrequests.models import BorrowerRequest, RequestDeadline
from loans.models import Assignment

from .figures import Section
from .period import Month


def _held(agency_id: int, prefix: str) -> Q:
    """The request (at ``prefix``) concerns an account the agency held when
    it was received."""
    held_then = Assignment.objects.filter(agency_id=agency_id, starts_at__lte=OuterRef(f"{prefix}filed_at")).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=OuterRef(f"{prefix}filed_at"))
    )
    return Q(Exists(held_then.filter(account_id=OuterRef(f"{prefix}account_id")))) | Q(
        **{f"{prefix}account__isnull": True},
    ) & Q(Exists(held_then.filter(account__borrower_id=OuterRef(f"{prefix}borrower_id"))))


def filed_base(*, period: Month, agency_id: int | None):
    queryset = BorrowerRequest.objects.filter(filed_at__gte=period.start, filed_at__lt=period.end)
    if agency_id:
        queryset = queryset.filter(_held(agency_id, ""))
    return queryset.annotate(grp=F("kind"))


def due_base(*, period: Month, agency_id: int | None):
    queryset = RequestDeadline.objects.filter(due_at__gte=period.start, due_at__lt=period.end).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("due_at"))
    )
    if agency_id:
        queryset = queryset.filter(_held(agency_id, "request__"))
    return queryset.annotate(grp=F("request__kind"))


FILED = Section(
    key="requests_filed",
    changelist="admin:borrowerrequests_borrowerrequest_changelist",
    link_field="pk",
    base=filed_base,
    figures={"filed": lambda period: Q()},
)

DUE = Section(
    key="requests_due",
    changelist="admin:borrowerrequests_borrowerrequest_changelist",
    link_field="request_id",
    base=due_base,
    figures={
        "due": lambda period: Q(),
        "on_time": lambda period: Q(met_at__lte=F("due_at")),
        "late": lambda period: Q(met_at__isnull=True) | Q(met_at__gt=F("due_at")),
    },
)
