"""The one response that hands out an evidence file, to a borrower, the
desk, or an agency (workspace or API).

Each caller finds the file through its own scoped lookup first; this
builds the response and records the access, so the security headers and
the access log cannot drift apart between the three ways in.
"""

import datetime

from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from accesslog.services import data_access_record

from .models import Evidence
from .uploads import ALLOWED_TYPES, stored_path

# Never rendered by the browser: no scripts, no plugins, no requests, and
# an opaque origin should someone open it anyway.
EVIDENCE_CSP = "default-src 'none'; sandbox"


def evidence_download_name(evidence: Evidence) -> str:
    """Our own name: the complaint, the file's number and the name cleaned
    at upload, which ends in the extension of the type we recognised."""
    return f"{evidence.complaint.reference}-{evidence.pk}-{evidence.original_name}"


def evidence_response(*, evidence: Evidence, viewer, now: datetime.datetime) -> FileResponse:
    """The file as a download only, with the type we sniffed at upload (and
    only one we accept: a row edited to another type is refused, not served),
    our own file name, no sniffing by the browser, a sandbox, and no copy in
    any cache. Anyone but the borrower who owns it leaves a row in the
    access log (PIPL).

    Precondition: ``viewer`` may see ``evidence``; the caller's selector
    checked that.
    """
    if evidence.content_type not in ALLOWED_TYPES:
        raise Http404(_("No such file on this complaint."))
    try:
        handle = open(stored_path(evidence.storage_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404(_("The file is no longer kept.")) from None
    complaint = evidence.complaint
    if complaint.borrower.user_id != viewer.pk:
        membership = getattr(viewer, "agency_membership", None)
        data_access_record(
            user=viewer,
            subject=f"evidence {evidence.pk} of {complaint.reference}",
            detail={"by": "agency", "agency": membership.agency_id} if membership is not None else {"by": "staff"},
            borrower_id=complaint.borrower_id,
            now=now,
        )
    return private_file_response(
        handle=handle, filename=evidence_download_name(evidence), content_type=evidence.content_type
    )


def private_file_response(*, handle, filename: str, content_type: str) -> FileResponse:
    """A file of personal data as a download only: our own name and type,
    no sniffing by the browser, a sandbox, and no copy in any cache. Every
    private file the portal hands out (evidence, a borrower's copy of their
    data) goes through here, so their headers cannot drift apart."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = EVIDENCE_CSP
    # What Django's never_cache sets, so the desk's pages (which add it
    # again) send exactly what the others do.
    add_never_cache_headers(response)
    return response
