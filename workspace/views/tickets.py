"""The agency's tickets: inbox, ticket page, evidence download, and the
response and extension forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.masking import mask_name
from common.phones import display_number
from complaints.evidence import evidence_response
from complaints.models import AgencyTicket
from complaints.services import agency_extension_request, agency_response_submit

from ..access import agency_required
from ..forms import ExtensionForm, ResponseForm, TicketFilterForm
from ..selectors import (
    agency_ticket,
    agency_ticket_summary,
    agency_tickets,
    sla_state,
    ticket_contact_events,
    ticket_evidence,
    ticket_evidence_file,
    ticket_hold,
    ticket_restrictions,
    ticket_timeline,
)

PAGE_SIZE = 25


@require_GET
@agency_required
def inbox(request):
    now = timezone.now()
    form = TicketFilterForm(request.GET or None, agency=request.agency)
    status, collector_id = None, None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        collector_id = form.cleaned_data["collector"].pk if form.cleaned_data["collector"] else None
    tickets = agency_tickets(agency=request.agency, status=status, collector_id=collector_id)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    for ticket in page.object_list:
        ticket.sla_state = sla_state(ticket, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    summary = agency_ticket_summary(agency=request.agency, now=now)
    return render(
        request, "agency/inbox.html", {"form": form, "page": page, "query": query.urlencode(), "summary": summary}
    )


def _ticket_context(request, ticket, **extra) -> dict:
    now = timezone.now()
    complaint = ticket.complaint
    context = {
        "ticket": ticket,
        "complaint": complaint,
        "sla_state": sla_state(ticket, now=now),
        "borrower_name": mask_name(complaint.borrower.name),
        # The number that called is an agency's or a caller's, not the
        # borrower's: nothing to hide from the agency.
        "caller_number": display_number(complaint.caller_number) if complaint.caller_number else "",
        "timeline": ticket_timeline(ticket=ticket),
        "evidence": ticket_evidence(ticket=ticket),
        "contact_events": ticket_contact_events(ticket=ticket),
        "hold": ticket_hold(ticket=ticket),
        "restrictions": ticket_restrictions(ticket=ticket, now=now),
        "responses": ticket.responses.order_by("submitted_at", "pk"),
        "can_respond": ticket.status not in (AgencyTicket.Status.CLOSED, AgencyTicket.Status.MOVED),
        "can_ask_extension": ticket.status == AgencyTicket.Status.OPEN and not ticket.extension_status,
        "response_form": ResponseForm(),
        "extension_form": ExtensionForm(),
    }
    context.update(extra)
    return context


@require_GET
@agency_required
def ticket_detail(request, reference):
    ticket = agency_ticket(agency=request.agency, reference=reference)
    return render(request, "agency/ticket.html", _ticket_context(request, ticket))


@require_GET
@agency_required
def evidence_download(request, reference, token):
    """A file of one of this agency's tickets, served as every evidence
    download is (``evidence_response``)."""
    evidence = ticket_evidence_file(agency=request.agency, reference=reference, token=token)
    return evidence_response(evidence=evidence, viewer=request.user, now=timezone.now())


def _service_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_POST
@agency_required
def respond(request, reference):
    ticket = agency_ticket(agency=request.agency, reference=reference)
    form = ResponseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            agency_response_submit(
                ticket=ticket,
                user=request.user,
                statement=form.cleaned_data["statement"],
                remediation=form.cleaned_data["remediation"],
                remediation_reason=form.cleaned_data["remediation_reason"],
                recording_ref=form.cleaned_data["recording_ref"],
                files=form.cleaned_data["files"],
                now=timezone.now(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Your response was sent to the platform."))
            return redirect("agency:ticket", reference=ticket.complaint.reference)
    return render(request, "agency/ticket.html", _ticket_context(request, ticket, response_form=form), status=400)


@require_POST
@agency_required
def ask_extension(request, reference):
    ticket = agency_ticket(agency=request.agency, reference=reference)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            agency_extension_request(
                ticket=ticket, user=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Your request for more time was sent. A platform supervisor will decide."))
            return redirect("agency:ticket", reference=ticket.complaint.reference)
    return render(request, "agency/ticket.html", _ticket_context(request, ticket, extension_form=form), status=400)
