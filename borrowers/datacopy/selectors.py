"""Reads of a borrower's copies, scoped to the asking borrower."""

import datetime

from django.db.models import QuerySet
from django.http import Http404

from .models import DataCopyRequest


def datacopies_for_borrower(*, borrower) -> QuerySet[DataCopyRequest]:
    return DataCopyRequest.objects.filter(borrower=borrower).order_by("-requested_at", "-pk")


def datacopy_for_download(*, borrower, token: str, now: datetime.datetime) -> DataCopyRequest:
    """The borrower's own copy while it may be downloaded, or 404 (the same
    for another borrower's, one being prepared and one expired)."""
    copy = (
        datacopies_for_borrower(borrower=borrower)
        .filter(token=token, status=DataCopyRequest.Status.READY, expires_at__gt=now)
        .select_related("borrower")
        .first()
    )
    if copy is None:
        raise Http404("No such copy.")
    return copy
