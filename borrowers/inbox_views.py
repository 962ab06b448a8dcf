"""The borrower's inbox: the notices sent to them, and marking them read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notices import selectors, services

from .access import borrower_required


@require_GET
@borrower_required
def inbox(request):
    page = Paginator(selectors.notices_for_borrower(borrower=request.borrower), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "unread": selectors.unread_count(borrower=request.borrower)},
        using="jinja2",
    )


@require_GET
@borrower_required
def detail(request, notice_id: int):
    notice = selectors.notice_for_borrower(borrower=request.borrower, notice_id=notice_id)
    return render(request, "notices/detail.html", {"notice": notice}, using="jinja2")


@require_POST
@borrower_required
def mark_read(request, notice_id: int):
    """Also how the inbox opens an unread notice (``open`` in the form):
    reading the notice page itself changes nothing, as no GET may."""
    notice = selectors.notice_for_borrower(borrower=request.borrower, notice_id=notice_id)
    with transaction.atomic():
        services.notice_mark_read(notice=notice)
    if request.POST.get("open"):
        return redirect("notices:detail", notice_id=notice.pk)
    return redirect("notices:inbox")


@require_POST
@borrower_required
def mark_all_read(request):
    with transaction.atomic():
        count = services.notices_mark_all_read(borrower=request.borrower)
    if count:
        messages.success(request, _("All notices marked as read."))
    return redirect("notices:inbox")
