"""Public reads on agencies: the published list and the number check."""

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Agency, AuthorisedNumber


def agencies_public_list() -> QuerySet[Agency]:
    """The external agencies the platform has authorised, current ones first.

    Suspended and terminated agencies stay on the list so borrowers can see
    that they must no longer be contacted by them.
    """
    return (
        Agency.objects.filter(kind=Agency.Kind.EXTERNAL)
        .annotate(
            status_order=Case(
                When(status=Agency.Status.ACTIVE, then=Value(0)),
                When(status=Agency.Status.SUSPENDED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_order", "name")
    )


def agency_for_public_number(*, number: str, now: datetime.datetime) -> Agency | None:
    """The active agency (or the platform's in-house team) that may call from
    ``number`` (E.164) right now, or None. Says nothing about any account."""
    authorised = (
        AuthorisedNumber.objects.filter(number=number, valid_from__lte=now, agency__status=Agency.Status.ACTIVE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("agency")
        .order_by("agency__name")
        .first()
    )
    return authorised.agency if authorised else None
