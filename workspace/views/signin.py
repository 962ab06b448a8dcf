"""Agency workspace sign-in: password, then an authenticator code (or, the
first time, enrolment of an authenticator app)."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import AgencyMembership, AgencySignInAttempt
from common.ratelimit import client_ip

from ..access import VERIFIED_SESSION_KEY
from ..forms import CodeForm, SignInForm
from ..signin import (
    sign_in_code_check,
    sign_in_password_check,
    totp_enrolment_begin,
    totp_qr_data_uri,
)

PENDING_SESSION_KEY = "agency_pending"
PENDING_TTL = datetime.timedelta(minutes=5)
Outcome = AgencySignInAttempt.Outcome


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("agency:inbox")


def _pending_membership(request, *, now) -> AgencyMembership | None:
    """The member who passed the password step in this session, within the
    last five minutes."""
    pending = request.session.get(PENDING_SESSION_KEY) or {}
    try:
        started = datetime.datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if now - started > PENDING_TTL:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return AgencyMembership.objects.select_related("agency", "user").filter(pk=pending.get("membership")).first()


def _failure_message(outcome: str) -> str:
    if outcome == Outcome.THROTTLED:
        return _("Too many attempts. Wait 15 minutes and try again.")
    if outcome == Outcome.SUSPENDED:
        return _("Your agency's access to the workspace is suspended. Contact the platform's account manager.")
    if outcome == Outcome.BAD_CODE:
        return _("That code is not right, or was already used. Enter the code your app shows now.")
    return _("The user name or password is not right.")


@never_cache
@require_http_methods(["GET", "POST"])
def signin(request):
    if request.method == "GET" and request.user.is_authenticated and request.session.get(VERIFIED_SESSION_KEY):
        return redirect(_next_url(request))
    now = timezone.now()
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = sign_in_password_check(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            client=client_ip(request),
            now=now,
        )
        if result.ok:
            request.session.cycle_key()
            request.session[PENDING_SESSION_KEY] = {"membership": result.membership.pk, "at": now.isoformat()}
            if result.membership.totp_enrolled:
                url = reverse("agency:signin_code")
            else:
                totp_enrolment_begin(membership=result.membership)
                url = reverse("agency:enrol")
            if request.POST.get("next"):
                url += "?" + urlencode({"next": _next_url(request)})
            return redirect(url)
        form.add_error(None, _failure_message(result.outcome))
    return render(request, "agency/signin.html", {"form": form, "next": request.GET.get("next", "")})


def _complete_sign_in(request, membership: AgencyMembership):
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, membership.user, backend="portal.backends.PortalBackend")
    request.session[VERIFIED_SESSION_KEY] = True
    return redirect(_next_url(request))


def _code_step(request, *, template: str, enrolling: bool):
    now = timezone.now()
    membership = _pending_membership(request, now=now)
    if membership is None:
        messages.info(request, _("Sign in again: the first step expired."))
        return redirect("agency:signin")
    if enrolling and membership.totp_enrolled:
        return redirect("agency:signin_code")
    if not enrolling and not membership.totp_enrolled:
        return redirect("agency:enrol")
    if enrolling and not membership.totp_secret:
        return redirect("agency:signin")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = sign_in_code_check(
            membership=membership, code=form.cleaned_data["code"], client=client_ip(request), now=now
        )
        if result.ok:
            return _complete_sign_in(request, result.membership)
        if result.outcome == Outcome.SUSPENDED:
            request.session.pop(PENDING_SESSION_KEY, None)
        form.add_error("code", _failure_message(result.outcome))
    context = {"form": form, "next": request.GET.get("next", ""), "membership": membership}
    if enrolling:
        context["qr_code"] = totp_qr_data_uri(membership=membership)
        context["secret_groups"] = [membership.totp_secret[i : i + 4] for i in range(0, len(membership.totp_secret), 4)]
    return render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request):
    return _code_step(request, template="agency/signin_code.html", enrolling=False)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    return _code_step(request, template="agency/enrol.html", enrolling=True)


@require_POST
def signout(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("agency:signin")
