"""Files attached to requests, under complaints' evidence rules: the same
checks (``complaints.uploads.check_uploads``, done by the form), the same
private storage, and the same download response and access log."""

import contextlib
import datetime

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from accesslog.services import data_access_record
from complaints.evidence import private_file_response
from complaints.uploads import ALLOWED_TYPES, CheckedFile, store_with_rows, stored_path

from ..models import RequestEvidence


def evidence_store(
    *, request, files: list[CheckedFile], party: str, user, now: datetime.datetime, sensitive: bool = False
) -> list[RequestEvidence]:
    """Store checked files against the request. Caller holds the lock and
    removes the files with ``complaints.uploads.stored_files_remove`` if its
    transaction fails later; when a file or the rows fail here, the files
    stored here are removed at once (``complaints.uploads.store_with_rows``)."""

    def row(**stored) -> RequestEvidence:
        return RequestEvidence(
            request=request, party=party, sensitive=sensitive, uploaded_by=user, uploaded_at=now, **stored
        )

    return store_with_rows(files, row=row, save=RequestEvidence.objects.bulk_create)


def evidence_erase(*, evidence, now: datetime.datetime) -> list[str]:
    """Delete the files; keep the rows (size, SHA-256) as the record, with the
    name cleared (it may itself say something sensitive). Returns how many."""
    erased = []
    for item in evidence.filter(purged_at__isnull=True).select_for_update():
        with contextlib.suppress(ValueError):  # a name outside the folder is never touched
            stored_path(item.storage_name).unlink(missing_ok=True)
        item.purged_at = now
        item.original_name = ""
        item.save(update_fields=["purged_at", "original_name"])
        erased.append(item.pk)
    return erased


def request_evidence_response(*, evidence: RequestEvidence, viewer, now: datetime.datetime) -> FileResponse:
    """The file as a download, through the one private-file response. Anyone
    but the borrower who owns it leaves a row in the access log (PIPL).

    Precondition: ``viewer`` may see ``evidence``; the caller's selector
    checked that (agencies never may).
    """
    if evidence.content_type not in ALLOWED_TYPES or evidence.purged_at is not None:
        raise Http404(_("The file is no longer kept."))
    try:
        handle = open(stored_path(evidence.storage_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404(_("The file is no longer kept.")) from None
    request = evidence.request
    if request.borrower.user_id != viewer.pk:
        data_access_record(
            user=viewer,
            subject=f"evidence {evidence.pk} of {request.reference}",
            detail={"by": "staff"},
            borrower_id=request.borrower_id,
            now=now,
        )
    return private_file_response(
        handle=handle,
        filename=f"{request.reference}-{evidence.pk}-{evidence.original_name}",
        content_type=evidence.content_type,
    )
