"""The borrower's pages for requests that bind collectors: the menu of
kinds, a filing form per kind, the printable receipt, the list and a
request's page with what the borrower can do on it. Each view parses
input, calls one service or selector, then renders or redirects; every
request is looked up through the borrower's own selectors (404 for anyone
else's)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from borrowerrequests import services
from borrowerrequests.models import Kind, Status, transition_allowed
from borrowerrequests.receipts import request_receipt
from borrowerrequests.selectors import (
    dispute_verification,
    plan_answers_for_request,
    request_consent,
    request_events_for_borrower,
    request_evidence_for_borrower,
    request_files_for_borrower,
    request_for_borrower,
    requests_for_borrower,
)
from borrowerrequests.services.disputes import ANSWERED
from loans.selectors import accounts_for_borrower

from .access import borrower_required
from .request_forms import KIND_SUMMARIES, EscalateForm, RequestForm, RevokeConsentForm, WithdrawForm, request_kinds


@never_cache
@borrower_required
@require_GET
def request_list(request):
    return render(
        request,
        "requests/list.html",
        {"requests": requests_for_borrower(borrower=request.borrower), "kinds": request_kinds()},
        using="jinja2",
    )


@never_cache
@borrower_required
@require_GET
def request_menu(request):
    """The five kinds, each with one line on what it does."""
    account = request.GET.get("account", "")
    return render(request, "requests/menu.html", {"kinds": request_kinds(), "account": account}, using="jinja2")


@never_cache
@borrower_required
@require_http_methods(["GET", "POST"])
def request_new(request, kind):
    if kind not in Kind.values:
        raise Http404("No such kind of request.")
    accounts = list(accounts_for_borrower(borrower=request.borrower))
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, kind=kind, accounts=accounts)
        if form.is_valid():
            try:
                filed, _created = services.request_file(
                    borrower=request.borrower,
                    user=request.user,
                    kind=kind,
                    now=timezone.now(),
                    **form.service_arguments(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return redirect("requests:receipt", reference=filed.reference)
        status = 400
    else:
        initial = {"submit_token": uuid.uuid4()}
        chosen = request.GET.get("account", "")
        if chosen in {account.reference for account in accounts}:
            initial["account"] = chosen
        elif len(accounts) == 1:
            initial["account"] = accounts[0].reference
        form = RequestForm(initial=initial, kind=kind, accounts=accounts)
        status = 200
    return render(
        request,
        "requests/new.html",
        {"form": form, "kind": kind, "kind_label": Kind(kind).label, "summary": KIND_SUMMARIES[kind]},
        status=status,
        using="jinja2",
    )


@never_cache
@borrower_required
@require_GET
def request_receipt_page(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    return render(request, "requests/receipt.html", {"r": request_receipt(filed), "request_": filed}, using="jinja2")


def _detail_context(request, filed, **forms):
    verification = dispute_verification(request=filed) if filed.kind == Kind.DISPUTE else None
    context = {
        "request_": filed,
        "r": request_receipt(filed),
        "events": request_events_for_borrower(request=filed),
        "files": request_files_for_borrower(request=filed),
        "verification": verification,
        "plans": plan_answers_for_request(request=filed) if filed.kind == Kind.REPAYMENT_PLAN else [],
        "consent": request_consent(request=filed) if filed.kind == Kind.VULNERABILITY else None,
        "can_withdraw": transition_allowed(filed.kind, filed.status, Status.WITHDRAWN),
        "can_accept_offer": filed.status == Status.PLAN_OFFERED,
        "can_escalate": filed.kind == Kind.DISPUTE and filed.status in ANSWERED and filed.complaint_id is None,
        "withdraw_form": WithdrawForm(),
        "escalate_form": EscalateForm(initial={"submit_token": uuid.uuid4()}),
        "revoke_form": RevokeConsentForm(),
    }
    context.update(forms)
    return context


@never_cache
@borrower_required
@require_GET
def request_detail(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    return render(request, "requests/detail.html", _detail_context(request, filed), using="jinja2")


def _invalid(request, filed, **forms):
    return render(request, "requests/detail.html", _detail_context(request, filed, **forms), status=400, using="jinja2")


def _act(request, filed, action, success: str):
    """Run one borrower service; a refusal becomes a message, not a crash."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("requests:detail", reference=filed.reference)


@borrower_required
@require_POST
def request_withdraw(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _invalid(request, filed, withdraw_form=form)
    now = timezone.now()
    return _act(
        request,
        filed,
        lambda: services.request_withdraw(
            request=filed, borrower=request.borrower, now=now, effective_at=form.cleaned_data["effective_at"]
        ),
        _("Your request was withdrawn. Its effect ends at the time shown on this page."),
    )


@borrower_required
@require_POST
def request_accept_offer(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    return _act(
        request,
        filed,
        lambda: services.plan_offer_accept(request=filed, borrower=request.borrower, now=timezone.now()),
        _("You accepted the plan. Its instalments are shown below and on your loan's page."),
    )


@borrower_required
@require_POST
def request_escalate(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    form = EscalateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, filed, escalate_form=form)
    try:
        complaint = services.dispute_escalate(
            request=filed,
            borrower=request.borrower,
            description=form.cleaned_data["description"],
            submit_token=form.cleaned_data["submit_token"],
            files=form.cleaned_data["files"],
            now=timezone.now(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _invalid(request, filed, escalate_form=form)
    return redirect("complaints:submitted", reference=complaint.reference)


@borrower_required
@require_POST
def request_revoke_consent(request, reference):
    filed = request_for_borrower(borrower=request.borrower, reference=reference)
    form = RevokeConsentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, filed, revoke_form=form)
    return _act(
        request,
        filed,
        lambda: services.consent_revoke(request=filed, borrower=request.borrower, now=timezone.now()),
        _("Your consent was withdrawn: your details and files were erased and the stricter contact rules ended."),
    )


@borrower_required
@require_GET
def request_file_download(request, reference, evidence_id):
    evidence = request_evidence_for_borrower(borrower=request.borrower, reference=reference, evidence_id=evidence_id)
    return services.request_evidence_response(evidence=evidence, viewer=request.user, now=timezone.now())
