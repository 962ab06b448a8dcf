"""The borrower's complaint pages. Each view parses input, calls one
service or selector, then renders or redirects."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies.verification import VERIFIED_SESSION_KEY
from complaints import services
from complaints.evidence import evidence_response
from complaints.models import Status, TimelineEvent
from complaints.selectors import (
    complaint_for_borrower,
    complaints_for_borrower,
    evidence_for_user,
    evidence_list_for,
    open_targets_for,
    timeline_for,
)
from loans.selectors import accounts_of_borrower, contact_event_for_borrower

from .access import borrower_required
from .complaint_forms import ComplaintForm, RateForm, ReasonForm, ReplyForm, WithdrawForm, complained_event, initial_for


@borrower_required
@require_GET
def complaint_list(request):
    complaints = complaints_for_borrower(borrower=request.borrower).order_by("-submitted_at")
    return render(request, "complaints/list.html", {"complaints": complaints}, using="jinja2")


@borrower_required
def complaint_new(request):
    now = timezone.now()
    accounts = accounts_of_borrower(borrower=request.borrower)
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, borrower=request.borrower, accounts=accounts, now=now)
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint, _created = services.complaint_submit(
                    borrower=request.borrower,
                    user=request.user,
                    account=data["account"],
                    contact_event=data["contact_event"],
                    category=data["category"],
                    incident_at=data["incident_at"],
                    named_agency=data["named_agency"].strip(),
                    named_collector=data["named_collector"].strip(),
                    caller_number=data["caller_number"],
                    description=data["description"],
                    desired_outcome=data["desired_outcome"].strip(),
                    consent_to_share=data["consent_to_share"],
                    submit_token=data["submit_token"],
                    files=data["files"],
                    now=now,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("complaints:submitted", reference=complaint.reference)
        contact = _complained_contact(request, form)
        status = 400
    else:
        # Read once: it prefills the form and is shown above it.
        contact = complained_event(accounts=accounts, params=request.GET)
        form = ComplaintForm(
            initial=initial_for(accounts=accounts, params=request.GET, event=contact, now=now, token=uuid.uuid4()),
            borrower=request.borrower,
            accounts=accounts,
            now=now,
        )
        status = 200
    return render(request, "complaints/new.html", {"form": form, "contact": contact}, status=status, using="jinja2")


def _complained_contact(request, form):
    """The contact a refused form is about, shown above it so the borrower
    sees which call or visit they are complaining about, not only its details."""
    event_id = form["contact_event"].value()
    if not str(event_id or "").isdigit():
        return None
    try:
        return contact_event_for_borrower(borrower=request.borrower, event_id=int(event_id))
    except Http404:
        return None


@borrower_required
@require_GET
def complaint_submitted(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    agency = services.complaint_answering_agency(complaint=complaint)
    return render(
        request,
        "complaints/submitted.html",
        {
            "complaint": complaint,
            "targets": open_targets_for(complaint=complaint),
            "answering_agency": agency,
            "agency_held": services.hold_applies(complaint=complaint, agency=agency),
        },
        using="jinja2",
    )


def _detail_context(request, complaint, **forms):
    context = {
        "complaint": complaint,
        "timeline": timeline_for(complaint=complaint, audience="borrower"),
        "evidence": evidence_list_for(complaint=complaint, audience="borrower"),
        "targets": open_targets_for(complaint=complaint),
        "reply_form": ReplyForm(),
        "withdraw_form": WithdrawForm(),
        "reject_form": ReasonForm(prefix="reject"),
        "review_form": ReasonForm(prefix="review"),
        "rate_form": RateForm(),
        "can_answer_decision": complaint.status == Status.RESOLVED
        and (complaint.review_window_ends_at is None or timezone.now() <= complaint.review_window_ends_at),
        "question": complaint.timeline.filter(kind=TimelineEvent.Kind.INFO_REQUESTED).order_by("-at", "-pk").first()
        if complaint.is_waiting_on_borrower
        else None,
        "can_rate": complaint.status in (Status.RESOLVED, Status.CLOSED)
        and complaint.rating is None
        and not complaint.merged_into_id,
    }
    context.update(forms)
    return context


@borrower_required
@require_GET
def complaint_detail(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    return render(request, "complaints/detail.html", _detail_context(request, complaint), using="jinja2")


def _act(request, complaint, action, success: str):
    """Run one borrower service; a refusal becomes a message, not a crash."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)
    return redirect("complaints:detail", reference=complaint.reference)


@borrower_required
@require_POST
def complaint_reply(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "complaints/detail.html",
            _detail_context(request, complaint, reply_form=form),
            status=400,
            using="jinja2",
        )
    return _act(
        request,
        complaint,
        lambda: services.complaint_borrower_reply(
            complaint=complaint,
            borrower=request.borrower,
            user=request.user,
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
            now=timezone.now(),
        ),
        _("Thank you. We have added this to your complaint."),
    )


@borrower_required
@require_POST
def complaint_withdraw(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "complaints/detail.html",
            _detail_context(request, complaint, withdraw_form=form),
            status=400,
            using="jinja2",
        )
    return _act(
        request,
        complaint,
        lambda: services.complaint_withdraw(
            complaint=complaint,
            borrower=request.borrower,
            user=request.user,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        ),
        _("Your complaint was withdrawn."),
    )


@borrower_required
@require_POST
def complaint_accept(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    return _act(
        request,
        complaint,
        lambda: services.complaint_accept_decision(
            complaint=complaint, borrower=request.borrower, user=request.user, now=timezone.now()
        ),
        _("Thank you. The complaint is closed."),
    )


@borrower_required
@require_POST
def complaint_reject(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    form = ReasonForm(request.POST, prefix="reject")
    if not form.is_valid():
        return render(
            request,
            "complaints/detail.html",
            _detail_context(request, complaint, reject_form=form),
            status=400,
            using="jinja2",
        )
    return _act(
        request,
        complaint,
        lambda: services.complaint_reject_decision(
            complaint=complaint,
            borrower=request.borrower,
            user=request.user,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        ),
        _("A supervisor will look at your complaint again."),
    )


@borrower_required
@require_POST
def complaint_review(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    form = ReasonForm(request.POST, prefix="review")
    if not form.is_valid():
        return render(
            request,
            "complaints/detail.html",
            _detail_context(request, complaint, review_form=form),
            status=400,
            using="jinja2",
        )
    return _act(
        request,
        complaint,
        lambda: services.complaint_request_review(
            complaint=complaint,
            borrower=request.borrower,
            user=request.user,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        ),
        _("We will review the decision."),
    )


@borrower_required
@require_POST
def complaint_rate(request, reference):
    complaint = complaint_for_borrower(borrower=request.borrower, reference=reference)
    form = RateForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "complaints/detail.html",
            _detail_context(request, complaint, rate_form=form),
            status=400,
            using="jinja2",
        )
    return _act(
        request,
        complaint,
        lambda: services.complaint_rate(
            complaint=complaint,
            borrower=request.borrower,
            user=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            now=timezone.now(),
        ),
        _("Thank you for your rating."),
    )


@login_required
@require_GET
def evidence_download(request, token):
    """Serve one evidence file to whoever may see it: the borrower who owns
    the complaint, its agency's staff, or platform staff with permission."""
    membership = getattr(request.user, "agency_membership", None)
    if membership is not None and not (request.session.get(VERIFIED_SESSION_KEY) and membership.agency.is_active):
        # Agency staff count only after both sign-in factors, while authorised.
        raise Http404("No such file.")
    evidence = evidence_for_user(user=request.user, token=token)
    return evidence_response(evidence=evidence, viewer=request.user, now=timezone.now())
