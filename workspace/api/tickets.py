"""Ticket endpoints: list, read, respond, ask for more time, evidence."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.masking import mask_name
from complaints.evidence import evidence_response
from complaints.services import agency_extension_request, agency_response_submit
from workspace.selectors import (
    TICKET_STATUS_FILTERS,
    agency_ticket,
    agency_tickets,
    sla_state,
    ticket_contact_events,
    ticket_evidence,
    ticket_evidence_file,
    ticket_hold,
    ticket_restrictions,
    ticket_timeline,
)

from .serializers import (
    AgencyResponseSerializer,
    ExtensionRequestSerializer,
    TicketDetailSerializer,
    TicketSerializer,
)
from .views import AUTH_RESPONSES, ERROR_RESPONSE, TOO_LARGE, UNSUPPORTED_MEDIA, AgencyApiMixin

NOT_FOUND = OpenApiResponse(ERROR_RESPONSE, description="No ticket (or file) of yours has this reference.")
CONFLICT = OpenApiResponse(ERROR_RESPONSE, description="The ticket's state does not allow this (e.g. closed).")


def _with_sla(tickets, now):
    for ticket in tickets:
        ticket.sla_state = sla_state(ticket, now=now)
    return tickets


@extend_schema_view(
    get=extend_schema(
        operation_id="tickets_list",
        summary="Your tickets",
        description="Complaint tickets assigned to your agency, soonest response deadline first.",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=list(TICKET_STATUS_FILTERS))],
        responses={
            200: TicketSerializer(many=True),
            404: OpenApiResponse(ERROR_RESPONSE, description="No such page."),
            **AUTH_RESPONSES,
        },
        tags=["tickets"],
    )
)
class TicketListView(AgencyApiMixin, generics.ListAPIView):
    serializer_class = TicketSerializer

    def get_queryset(self):
        status_filter = self.request.query_params.get("status")
        return agency_tickets(
            agency=self.agency, status=status_filter if status_filter in TICKET_STATUS_FILTERS else None
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return _with_sla(page, timezone.now()) if page is not None else page


class TicketDetailView(AgencyApiMixin, APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        summary="One ticket",
        description="What you need to answer: the complaint, evidence you may see, the timeline visible to you, "
        "your contacts within 7 days of the incident, and whether your work on the account is on hold.",
        responses={200: TicketDetailSerializer, 404: NOT_FOUND, **AUTH_RESPONSES},
        tags=["tickets"],
    )
    def get(self, request, reference, *args, **kwargs):
        ticket = agency_ticket(agency=self.agency, reference=reference)
        ticket.sla_state = sla_state(ticket, now=timezone.now())
        ticket.borrower_name = mask_name(ticket.complaint.borrower.name)
        ticket.account_on_hold = ticket_hold(ticket=ticket) is not None
        ticket.account_restrictions = ticket_restrictions(ticket=ticket, now=timezone.now())
        ticket.timeline = ticket_timeline(ticket=ticket)
        ticket.evidence = ticket_evidence(ticket=ticket)
        ticket.contact_events = ticket_contact_events(ticket=ticket)
        ticket.response_list = ticket.responses.order_by("submitted_at", "pk")
        return Response(TicketDetailSerializer(ticket).data)


class TicketResponseView(AgencyApiMixin, APIView):
    permission_denied_as_not_found = True

    @extend_schema(
        operation_id="tickets_respond",
        summary="Respond to a ticket",
        description="Your statement and what you did about the collector (`none` needs a reason). The first "
        "response stops your response deadline; the platform is told. Attach files in the workspace.",
        request=AgencyResponseSerializer,
        responses={
            201: AgencyResponseSerializer,
            400: OpenApiResponse(description="A field is not valid; the body names it."),
            404: NOT_FOUND,
            409: CONFLICT,
            413: TOO_LARGE,
            415: UNSUPPORTED_MEDIA,
            **AUTH_RESPONSES,
        },
        tags=["tickets"],
    )
    def post(self, request, reference, *args, **kwargs):
        ticket = agency_ticket(agency=self.agency, reference=reference)
        serializer = AgencyResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = agency_response_submit(
            ticket=ticket, user=request.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(AgencyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class TicketExtensionView(AgencyApiMixin, APIView):
    permission_denied_as_not_found = True

    @extend_schema(
        operation_id="tickets_ask_more_time",
        summary="Ask for more time",
        description="A platform supervisor approves or refuses; you are told by e-mail and webhook. Once per ticket, "
        "and only before you respond.",
        request=ExtensionRequestSerializer,
        responses={
            202: OpenApiResponse(TicketSerializer, description="Asked; waiting for a supervisor."),
            400: OpenApiResponse(description="A field is not valid; the body names it."),
            404: NOT_FOUND,
            409: CONFLICT,
            413: TOO_LARGE,
            415: UNSUPPORTED_MEDIA,
            **AUTH_RESPONSES,
        },
        tags=["tickets"],
    )
    def post(self, request, reference, *args, **kwargs):
        ticket = agency_ticket(agency=self.agency, reference=reference)
        serializer = ExtensionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency_extension_request(
            ticket=ticket,
            user=request.user,
            reason=serializer.validated_data["reason"],
            now=timezone.now(),
        )
        ticket = agency_ticket(agency=self.agency, reference=reference)
        ticket.sla_state = sla_state(ticket, now=timezone.now())
        return Response(TicketSerializer(ticket).data, status=status.HTTP_202_ACCEPTED)


class TicketEvidenceView(AgencyApiMixin, APIView):
    @extend_schema(
        operation_id="tickets_evidence_download",
        summary="Download a file",
        description="A file listed in the ticket's `evidence`, always as an attachment.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            404: NOT_FOUND,
            **AUTH_RESPONSES,
        },
        tags=["tickets"],
    )
    def get(self, request, reference, token, *args, **kwargs):
        evidence = ticket_evidence_file(agency=self.agency, reference=reference, token=token)
        return evidence_response(evidence=evidence, viewer=request.user, now=timezone.now())
