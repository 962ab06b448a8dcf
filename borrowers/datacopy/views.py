"""The borrower's page to ask for a copy of their data, and its download."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from complaints.evidence import private_file_response

from ..access import borrower_required
from .archive import datacopy_path
from .selectors import datacopies_for_borrower, datacopy_for_download
from .services import DataCopyRefused, datacopy_download_record, datacopy_refusal, datacopy_request


@never_cache
@borrower_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "copies": datacopies_for_borrower(borrower=request.borrower)[:10],
        "refusal": datacopy_refusal(borrower=request.borrower, now=now),
        "now": now,
    }
    return render(request, "portal/datacopy/page.html", context, using="jinja2")


@borrower_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    try:
        datacopy_request(borrower=request.borrower, language=translation.get_language(), now=timezone.now())
    except DataCopyRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("We are preparing your copy. We will tell you when it is ready, usually within minutes.")
        )
    return redirect("datacopy:page")


@borrower_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    copy = datacopy_for_download(borrower=request.borrower, token=token, now=now)
    try:
        handle = open(datacopy_path(copy.file_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404("The copy is no longer kept.") from None
    datacopy_download_record(copy=copy, user=request.user, now=now)
    return private_file_response(
        handle=handle, filename=f"my-data-{copy.ready_at:%Y%m%d}.zip", content_type="application/zip"
    )
