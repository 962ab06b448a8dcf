import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import ApiCallLog, ApiToken
from conduct.models import Breach
from conduct.selectors import breaches_for_agency
from loans.feed.fields import aware_datetime
from workspace.ingest import contact_events_ingest, scheduled_measures_ingest
from workspace.selectors import account_restrictions_for_agency, contact_preferences_for_agency

from .authentication import BearerTokenAuthentication
from .permissions import IsAgencyToken
from .serializers import (
    MAX_BATCH,
    AccountRestrictionSerializer,
    BatchResultSerializer,
    ConductBreachSerializer,
    ContactEventBatchSerializer,
    ContactPreferenceSerializer,
    ScheduledMeasureBatchSerializer,
)
from .throttling import TokenRateThrottle

ERROR_RESPONSE = inline_serializer("Error", {"detail": serializers.CharField()})
UNSUPPORTED_MEDIA = OpenApiResponse(ERROR_RESPONSE, description="Send the body as application/json.")
TOO_LARGE = OpenApiResponse(
    ERROR_RESPONSE, description="The body is larger than one call may send; the detail names the limit."
)
AUTH_RESPONSES = {
    401: OpenApiResponse(ERROR_RESPONSE, description="No token, or the token is invalid, expired or revoked."),
    403: OpenApiResponse(ERROR_RESPONSE, description="The token may not do this."),
    429: OpenApiResponse(
        ERROR_RESPONSE, description="More than 1,200 calls with this token in a minute; wait for Retry-After seconds."
    ),
}


class AgencyApiMixin:
    """Bearer-token authentication for agencies, and one log row per call."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAgencyToken]
    throttle_classes = [TokenRateThrottle]

    @property
    def agency(self):
        return self.request.auth.agency

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None) or getattr(request, "_refused_token", None)
        if isinstance(token, ApiToken):
            ApiCallLog.objects.create(
                token=token,
                agency_id=token.agency_id,
                method=request.method[:8],
                path=request.path.replace("\x00", "%00")[:300],
                status=response.status_code,
                at=timezone.now(),
            )
        return response


def _batch_items(request) -> list:
    data = request.data
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationError({"items": [_("Send a JSON object with a list of items under 'items'.")]})
    if not items:
        raise ValidationError({"items": [_("The batch is empty.")]})
    if len(items) > MAX_BATCH:
        raise ValidationError({"items": [_("Send at most %(max)d items per call.") % {"max": MAX_BATCH}]})
    return items


BATCH_RESPONSES = {
    200: OpenApiResponse(BatchResultSerializer, description="Every item was recorded (or had been already)."),
    207: OpenApiResponse(
        BatchResultSerializer,
        description="Some items were rejected or in conflict; the others were recorded. Each rejected item is "
        "listed by its index with the reasons per field, each conflict with the fields that differ.",
    ),
    400: OpenApiResponse(
        inline_serializer(
            "BatchError",
            {
                "items": serializers.ListField(child=serializers.CharField(), required=False),
                "detail": serializers.CharField(required=False),
            },
        ),
        description="The body is not a batch: not JSON, no 'items' list, empty, or too long. Nothing was stored.",
    ),
    413: TOO_LARGE,
    415: UNSUPPORTED_MEDIA,
    **AUTH_RESPONSES,
}


class ContactEventBatchView(AgencyApiMixin, APIView):
    @extend_schema(
        operation_id="contact_events_create",
        summary="Report contact events",
        description=(
            f"Report up to {MAX_BATCH} calls, messages, letters or visits. Idempotent by your `external_id`: an "
            "event sent again is reported as `exists` and not stored twice; sent again with other values it is a "
            "`conflict` naming the `fields` that differ, and the recorded event is kept unchanged. Each item is "
            "checked: the account must be assigned to your agency at `occurred_at`, the collector must be one of "
            "yours and `occurred_at` may not be in the future. A call or SMS from a number that was not one of your "
            "authorised numbers at that time is stored and flagged as a conduct breach; its result carries a warning."
        ),
        request=ContactEventBatchSerializer,
        responses=BATCH_RESPONSES,
        tags=["contact events"],
    )
    def post(self, request, *args, **kwargs):
        result = contact_events_ingest(agency=self.agency, items=_batch_items(request), now=timezone.now())
        return Response(result.as_dict(), status=207 if result.has_refusals else status.HTTP_200_OK)


class ScheduledMeasureBatchView(AgencyApiMixin, APIView):
    @extend_schema(
        operation_id="scheduled_measures_create",
        summary="Report scheduled measures",
        description=(
            f"Announce up to {MAX_BATCH} home visits, lawyer's letters or reminders, or update ones you sent before "
            "(same `external_id`: a new date, `done`, `cancelled`); one sent again for another account is a "
            "`conflict`. The account must be assigned to your agency now; "
            "a planned measure must be dated in the future."
        ),
        request=ScheduledMeasureBatchSerializer,
        responses=BATCH_RESPONSES,
        tags=["scheduled measures"],
    )
    def post(self, request, *args, **kwargs):
        result = scheduled_measures_ingest(agency=self.agency, items=_batch_items(request), now=timezone.now())
        return Response(result.as_dict(), status=207 if result.has_refusals else status.HTTP_200_OK)


def _parse_changed_since(raw: str | None, *, name: str = "changed_since") -> datetime.datetime | None:
    if not raw:
        return None
    try:
        return aware_datetime(raw, field=name).astimezone(datetime.UTC)
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None
    except OverflowError:
        raise ValidationError({name: [_("This date is out of range.")]}) from None


@extend_schema_view(
    get=extend_schema(
        operation_id="contact_preferences_list",
        summary="Borrowers' contact preferences",
        description="The contact wishes of the borrowers of the accounts assigned to your agency now. Borrowers who "
        "never set any are listed with the defaults (`preferred_channel` `any`, `updated_at` null).",
        parameters=[
            OpenApiParameter("account", OpenApiTypes.STR, description="Only this account reference."),
            OpenApiParameter(
                "changed_since", OpenApiTypes.DATETIME, description="Only preferences changed at or after this time."
            ),
        ],
        responses={
            200: ContactPreferenceSerializer(many=True),
            400: OpenApiResponse(description="A query parameter is not valid."),
            404: OpenApiResponse(ERROR_RESPONSE, description="No such page."),
            **AUTH_RESPONSES,
        },
        tags=["contact preferences"],
    )
)
class ContactPreferenceListView(AgencyApiMixin, generics.ListAPIView):
    serializer_class = ContactPreferenceSerializer

    def get_queryset(self):
        return contact_preferences_for_agency(
            agency=self.agency,
            now=timezone.now(),
            account_reference=(self.request.query_params.get("account") or "").strip()[:40] or None,
            changed_since=_parse_changed_since(self.request.query_params.get("changed_since")),
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="conduct_breaches_list",
        summary="Conduct breaches in your contacts",
        description="The contacts your agency reported that broke the platform's conduct rulebook, latest contact "
        "first: the rule, the facts that show it (`facts`, machine-readable) and the same as a sentence in the "
        "language of the request's Accept-Language (`evidence`). Contacts are checked within minutes of arriving.",
        parameters=[
            OpenApiParameter(
                "rule",
                OpenApiTypes.STR,
                enum=[value for value, _label in Breach.Rule.choices],
                description="Only this rule.",
            ),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only contacts made at or after this time."),
        ],
        responses={
            200: ConductBreachSerializer(many=True),
            400: OpenApiResponse(description="A query parameter is not valid."),
            404: OpenApiResponse(ERROR_RESPONSE, description="No such page."),
            **AUTH_RESPONSES,
        },
        tags=["conduct"],
    )
)
class ConductBreachListView(AgencyApiMixin, generics.ListAPIView):
    serializer_class = ConductBreachSerializer

    def get_queryset(self):
        rule = self.request.query_params.get("rule") or None
        if rule is not None and rule not in Breach.Rule.values:
            raise ValidationError({"rule": [_("Not a rule of the rulebook.")]})
        breaches = breaches_for_agency(agency=self.agency, rule=rule)
        since = _parse_changed_since(self.request.query_params.get("since"), name="since")
        if since is not None:
            breaches = breaches.filter(contact_event__occurred_at__gte=since)
        return breaches


@extend_schema_view(
    get=extend_schema(
        operation_id="account_restrictions_list",
        summary="Restrictions on your accounts",
        description="The restrictions in force now that bind your agency on the accounts assigned to it, by "
        "account: a collection hold, a borrower's stop on third-party contact, written or online contact only, "
        "no contact at work, stricter contact rules, or paused measures, with the period. Never why. The "
        "conduct rulebook judges your contacts by them; a webhook (`restriction.placed`, `restriction.ended`) "
        "tells you when one changes.",
        parameters=[OpenApiParameter("account", OpenApiTypes.STR, description="Only this account's reference.")],
        responses={
            200: AccountRestrictionSerializer(many=True),
            404: OpenApiResponse(ERROR_RESPONSE, description="No such page."),
            **AUTH_RESPONSES,
        },
        tags=["restrictions"],
    )
)
class AccountRestrictionListView(AgencyApiMixin, generics.ListAPIView):
    serializer_class = AccountRestrictionSerializer

    def get_queryset(self):
        return account_restrictions_for_agency(
            agency=self.agency,
            now=timezone.now(),
            account_reference=(self.request.query_params.get("account") or "").strip()[:40] or None,
        )
