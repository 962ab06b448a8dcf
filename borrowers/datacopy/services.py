"""Writes for borrowers' copies of their data: ask, allow another, build,
record a download, delete what expired."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accesslog.models import DataAccessRecord
from accesslog.services import data_access_record
from loans.models import Borrower
from notices.services import borrower_notify
from outbox.services import obligation_create

from .archive import datacopy_path, datacopy_write
from .builder import datacopy_contents
from .models import DataCopyAllowance, DataCopyRequest

# Our choices within PIPL art. 45/50: one copy a month is plenty for anyone
# checking what we hold; staff can allow more. The link lives a week.
COPY_INTERVAL = datetime.timedelta(days=30)
DOWNLOAD_PERIOD = datetime.timedelta(days=7)
BUILD_KIND = "borrowers.datacopy.build"
READY_EVENT = "datacopy.ready"


class DataCopyRefused(Exception):
    """The request is refused; ``message`` says why (PIPL art. 50)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def datacopy_next_allowed_at(*, borrower: Borrower) -> datetime.datetime | None:
    """When the borrower may ask again without staff leave; None if now."""
    last = DataCopyRequest.objects.filter(borrower=borrower).order_by("-requested_at").first()
    return last.requested_at + COPY_INTERVAL if last is not None else None


def datacopy_refusal(*, borrower: Borrower, now: datetime.datetime) -> str | None:
    """Why the borrower may not ask for a copy now; None if they may."""
    return _may_ask(borrower=borrower, now=now)[0]


def _may_ask(*, borrower: Borrower, now: datetime.datetime) -> tuple[str | None, DataCopyAllowance | None]:
    """(Why not, or None; the staff allowance a request now would use up.)"""
    if DataCopyRequest.objects.filter(borrower=borrower, status=DataCopyRequest.Status.REQUESTED).exists():
        return _("Your copy is already being prepared. We will tell you when it is ready."), None
    next_allowed = datacopy_next_allowed_at(borrower=borrower)
    if next_allowed is None or now >= next_allowed:
        return None, None
    allowance = DataCopyAllowance.objects.filter(borrower=borrower, used_by__isnull=True).first()
    if allowance is None:
        return (
            _(
                "You can ask for one copy every 30 days; you can ask again from %(date)s. "
                "If you need one sooner, call customer service on %(hotline)s."
            )
            % {"date": next_allowed.strftime("%Y-%m-%d"), "hotline": settings.PLATFORM_HOTLINE},
            None,
        )
    return None, allowance


def datacopy_request(*, borrower: Borrower, language: str, now: datetime.datetime) -> DataCopyRequest:
    """Record the request and its build obligation in one transaction; the
    outbox builds it after commit, or its sweep does if the task is lost.

    The borrower's row is locked first, so two submissions take turns and
    the second sees the first. Refused, with the reason, while a copy is
    being prepared, and within 30 days of the last request unless staff
    allowed another (which this request then uses up).
    """
    with transaction.atomic():
        Borrower.objects.select_for_update().filter(pk=borrower.pk).first()
        refusal, allowance = _may_ask(borrower=borrower, now=now)
        if refusal is not None:
            raise DataCopyRefused(refusal)
        copy = DataCopyRequest.objects.create(
            borrower=borrower, token=secrets.token_urlsafe(16), language=language[:8], requested_at=now
        )
        if allowance is not None:
            allowance.used_by = copy
            allowance.save(update_fields=["used_by"])
        obligation_create(key=f"datacopy-build:{copy.pk}", kind=BUILD_KIND, payload={"request_id": copy.pk}, now=now)
    return copy


def datacopy_allow_another(*, borrower: Borrower, by, now: datetime.datetime) -> DataCopyAllowance:
    """Staff let the borrower ask once more before 30 days have passed. An
    allowance not yet used is returned as it is, not doubled."""
    with transaction.atomic():
        Borrower.objects.select_for_update().filter(pk=borrower.pk).first()
        allowance, _created = DataCopyAllowance.objects.get_or_create(
            borrower=borrower, used_by__isnull=True, defaults={"granted_by": by, "granted_at": now}
        )
    return allowance


def datacopy_build(*, request_id: int, now: datetime.datetime) -> DataCopyRequest | None:
    """Build the archive and tell the borrower. Harmless to run twice: a
    copy no longer being prepared is left alone, the file is written under
    the request's own name, and the state changes (and the notice goes)
    only for the run that finds it still being prepared under the lock.

    No transaction is open while the archive is written.
    """
    copy = DataCopyRequest.objects.select_related("borrower").filter(pk=request_id).first()
    if copy is None or copy.status != DataCopyRequest.Status.REQUESTED:
        return copy
    with translation.override(copy.language):
        contents, files = datacopy_contents(borrower=copy.borrower, now=now)
    file_name = f"{copy.token}.zip"
    size = datacopy_write(file_name=file_name, contents=contents, files=files, language=copy.language)
    with transaction.atomic():
        copy = DataCopyRequest.objects.select_for_update().select_related("borrower").get(pk=request_id)
        if copy.status != DataCopyRequest.Status.REQUESTED:
            return copy
        copy.status = DataCopyRequest.Status.READY
        copy.ready_at = now
        copy.expires_at = now + DOWNLOAD_PERIOD
        copy.file_name = file_name
        copy.size = size
        copy.save(update_fields=["status", "ready_at", "expires_at", "file_name", "size"])
        borrower_notify(
            borrower=copy.borrower,
            event=READY_EVENT,
            key=f"datacopy-ready:{copy.pk}",
            context={
                "deadline": copy.expires_at,
                "portal_link": settings.PORTAL_BASE_URL + reverse("datacopy:page"),
            },
            now=now,
        )
    return copy


def datacopy_download_record(*, copy: DataCopyRequest, user, now: datetime.datetime) -> None:
    """Count the download and log it with every other export of personal
    data. The caller found ``copy`` through the borrower's scoped lookup."""
    DataCopyRequest.objects.filter(pk=copy.pk).update(downloads=F("downloads") + 1)
    data_access_record(
        user=user,
        action=DataAccessRecord.Action.EXPORTED,
        subject=f"data copy {copy.pk} of borrower {copy.borrower.external_id}",
        detail={"by": "borrower"},
        borrower_id=copy.borrower_id,
        now=now,
    )


def datacopies_expire(*, now: datetime.datetime) -> int:
    """Delete the files whose download period ended and mark them expired.
    Reads ``now`` once; harmless to re-run."""
    expired = 0
    for copy in DataCopyRequest.objects.filter(status=DataCopyRequest.Status.READY, expires_at__lte=now):
        if copy.file_name:
            datacopy_path(copy.file_name).unlink(missing_ok=True)
        expired += DataCopyRequest.objects.filter(pk=copy.pk, status=DataCopyRequest.Status.READY).update(
            status=DataCopyRequest.Status.EXPIRED, expired_at=now
        )
    return expired
