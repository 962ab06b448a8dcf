"""Serving a complaint's evidence file to an agency (workspace or API)."""

import datetime

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from accesslog.services import data_access_record
from complaints.models import Evidence
from complaints.uploads import ALLOWED_TYPES, stored_path


def evidence_file_response(*, evidence: Evidence, user, now: datetime.datetime) -> FileResponse:
    """The file as a download only: the type we sniffed at upload (and only
    an allowed one), our own file name, no sniffing by the browser, and a
    sandbox should it be opened anyway. The access is recorded (PIPL)."""
    if evidence.content_type not in ALLOWED_TYPES:
        raise Http404
    try:
        handle = open(stored_path(evidence.storage_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404(_("The file is no longer kept.")) from None
    data_access_record(
        user=user,
        subject=f"evidence {evidence.pk} of {evidence.complaint.reference}",
        detail={"by": "agency", "agency": getattr(getattr(user, "agency_membership", None), "agency_id", None)},
        now=now,
    )
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
