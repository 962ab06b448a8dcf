"""The borrower's pages. Each view parses input, calls one service or
selector, and renders or redirects."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agencies.selectors import agencies_public_list, agency_for_public_number
from borrowerrequests.selectors import requests_bearing_on_account
from common.ratelimit import client_ip, hashed_key, ratelimit_hit
from loans.selectors import (
    account_for_borrower,
    account_rows_for_borrower,
    accounts_for_borrower,
    contact_preference_changes,
    contact_preference_for_borrower,
)
from loans.services import contact_preference_update

from .access import borrower_required
from .caller_check import caller_verdict_for_borrower
from .contact_history import ContactCursor, contact_history_for_borrower
from .forms import CodeForm, NumberForm, PhoneForm, PreferenceForm
from .request_forms import request_kinds
from .signin import SignInError, resend_wait_seconds, signin_code_request, signin_code_verify
from .status_page import account_overview

SESSION_PHONE = "portal_signin_phone"
SESSION_NEXT = "portal_signin_next"
CHECK_NUMBER_PER_CLIENT_PER_HOUR = 30


def _is_borrower(request: HttpRequest) -> bool:
    return request.user.is_authenticated and getattr(request.user, "borrower", None) is not None


def _posted(request: HttpRequest):
    """The submitted data on POST (even when empty, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def home(request: HttpRequest) -> HttpResponse:
    if _is_borrower(request):
        return redirect("portal:loans")
    return render(request, "portal/home.html", using="jinja2")


# Sign-in -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    if _is_borrower(request):
        return redirect(_safe_next(request, request.GET.get("next")) or reverse("portal:loans"))
    form = PhoneForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            outcome = signin_code_request(phone=phone, client=client_ip(request), now=timezone.now())
        except SignInError as error:
            form.add_error(None, error.message)
        else:
            request.session[SESSION_PHONE] = phone
            next_url = _safe_next(request, request.POST.get("next"))
            if next_url:
                request.session[SESSION_NEXT] = next_url
            else:
                request.session.pop(SESSION_NEXT, None)
            if not outcome.sent:
                messages.info(request, _("A code was sent a moment ago. Use that code, or ask for a new one shortly."))
            return redirect("portal:signin_code")
    return render(
        request,
        "portal/signin.html",
        {"form": form, "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")) or ""},
        using="jinja2",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("portal:signin")
    form = CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = signin_code_verify(
                phone=phone, code=form.cleaned_data["code"], client=client_ip(request), now=timezone.now()
            )
        except SignInError as error:
            form.add_error("code", error.message)
        else:
            next_url = _safe_next(request, request.session.get(SESSION_NEXT))
            # login() gives the session a new key, so a key planted before
            # sign-in is worthless afterwards.
            login(request, user, backend="portal.backends.PortalBackend")
            request.session.pop(SESSION_PHONE, None)
            request.session.pop(SESSION_NEXT, None)
            return redirect(next_url or reverse("portal:loans"))
    return render(
        request,
        "portal/signin_code.html",
        {
            "form": form,
            "phone": phone,
            "resend_wait": resend_wait_seconds(phone=phone, now=timezone.now()),
            "ttl_minutes": settings.SIGNIN_CODE_TTL_SECONDS // 60,
        },
        using="jinja2",
    )


@require_POST
def signin_resend(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("portal:signin")
    try:
        outcome = signin_code_request(phone=phone, client=client_ip(request), now=timezone.now())
    except SignInError as error:
        messages.error(request, error.message)
    else:
        if outcome.sent:
            messages.success(request, _("If this number is registered with us, we sent a new code."))
        else:
            messages.info(
                request,
                _("Please wait %(seconds)s seconds before asking for a new code.") % {"seconds": outcome.retry_after},
            )
    return redirect("portal:signin_code")


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


# Borrower pages ------------------------------------------------------------------------


@never_cache
@borrower_required
def loans(request: HttpRequest) -> HttpResponse:
    rows = account_rows_for_borrower(borrower=request.borrower, today=timezone.localdate())
    return render(request, "portal/loans.html", {"rows": rows}, using="jinja2")


@never_cache
@borrower_required
def account(request: HttpRequest, reference: str) -> HttpResponse:
    now = timezone.now()
    overview = account_overview(borrower=request.borrower, reference=reference, now=now)
    requests_here = (
        requests_bearing_on_account(borrower=request.borrower, account_id=overview.account.pk, now=now)
        if overview.has_requests
        else []
    )
    context = {
        "o": overview,
        "inbox_unread": overview.unread_notices,
        "requests_here": requests_here,
        "request_kinds": request_kinds(),
    }
    return render(request, "portal/account.html", context, using="jinja2")


@never_cache
@borrower_required
def contacts(request: HttpRequest, reference: str) -> HttpResponse:
    """All the account's contacts, a page at a time (``?before=`` from the previous page)."""
    before = None
    if "before" in request.GET:
        before = ContactCursor.parse(request.GET["before"])
        if before is None:
            raise Http404("Not a page of this contact history.")
    history = contact_history_for_borrower(borrower=request.borrower, reference=reference, before=before)
    return render(request, "portal/contacts.html", {"history": history}, using="jinja2")


@never_cache
@borrower_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("account") or request.POST.get("account") or ""
    linked = account_for_borrower(borrower=request.borrower, reference=reference) if reference else None
    form = NumberForm(_posted(request))
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = caller_verdict_for_borrower(
            borrower=request.borrower, number=form.cleaned_data["number"], now=timezone.now()
        )
    complaint_account = (verdict.account if verdict else None) or linked
    if complaint_account is None:
        accounts = list(accounts_for_borrower(borrower=request.borrower)[:2])
        complaint_account = accounts[0] if len(accounts) == 1 else None
    return render(
        request,
        "portal/verify.html",
        {"form": form, "verdict": verdict, "linked": linked, "complaint_account": complaint_account},
        using="jinja2",
    )


@never_cache
@borrower_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = contact_preference_for_borrower(borrower=request.borrower)
    initial = {}
    if current is not None:
        initial = {
            "no_third_party_contact": current.no_third_party_contact,
            "window_start": current.window_start.strftime("%H:%M") if current.window_start else "",
            "window_end": current.window_end.strftime("%H:%M") if current.window_end else "",
            "preferred_channel": current.preferred_channel,
        }
    form = PreferenceForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        contact_preference_update(borrower=request.borrower, now=timezone.now(), **form.cleaned_data)
        messages.success(request, _("Your contact preferences were saved. Collectors must follow them."))
        return redirect("portal:preferences")
    return render(
        request,
        "portal/preferences.html",
        {
            "form": form,
            "current": current,
            "changes": contact_preference_changes(borrower=request.borrower),
        },
        using="jinja2",
    )


# Public pages -------------------------------------------------------------------------


def agencies(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/agencies.html", {"agencies": agencies_public_list()}, using="jinja2")


@require_http_methods(["GET", "POST"])
def check_number(request: HttpRequest) -> HttpResponse:
    form = NumberForm(_posted(request))
    checked = False
    agency = None
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        if ratelimit_hit(
            key=hashed_key("check-number-client", client_ip(request)), limit=CHECK_NUMBER_PER_CLIENT_PER_HOUR, now=now
        ):
            checked = True
            agency = agency_for_public_number(number=form.cleaned_data["number"], now=now)
        else:
            form.add_error(None, _("Too many numbers were checked from this device or network. Try again in an hour."))
    status = 429 if form.non_field_errors() else 200
    return render(
        request,
        "portal/check_number.html",
        {"form": form, "checked": checked, "agency": agency},
        status=status,
        using="jinja2",
    )
