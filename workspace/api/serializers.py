"""Request and response shapes of the agency API. The ingest serializers'
fields also do the per-item field validation (see :mod:`workspace.ingest`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.text import FreeTextSerializerField
from complaints.models import AgencyResponse, AgencyTicket
from conduct.models import Breach
from loans.feed.fields import aware_datetime
from loans.models import ContactEvent, ContactPreference, Restriction, ScheduledMeasure

MAX_BATCH = 1000
ITEM_RESULT_STATUSES = [
    ("created", "created"),
    ("updated", "updated"),
    ("exists", "exists"),
    ("rejected", "rejected"),
    ("conflict", "conflict"),
]
SLA_STATES = [
    ("on_track", "on_track"),
    ("at_risk", "at_risk"),
    ("breached", "breached"),
    ("paused", "paused"),
    ("none", "none"),
    ("answered", "answered"),
    ("moved", "moved"),
]
AGENCY_MEASURE_KINDS = [
    ScheduledMeasure.Kind.HOME_VISIT,
    ScheduledMeasure.Kind.LAWYER_LETTER,
    ScheduledMeasure.Kind.REMINDER,
]


class OffsetDateTimeField(serializers.DateTimeField):
    """A time the agency reports, read by the same rule as the lender's feed:
    with its UTC offset, or refused. DRF's own field would read a time
    without one as China time."""

    def to_internal_value(self, value):
        try:
            return aware_datetime(value, field=self.field_name)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages[0], code=error.code) from None


class ContactEventItemSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text=_("Your own unique id for this event. Sending it again does not create a duplicate.")
    )
    account = serializers.CharField(max_length=40, help_text=_("The platform's account reference."))
    occurred_at = OffsetDateTimeField(help_text=_("When the contact happened (ISO 8601 with offset)."))
    channel = serializers.ChoiceField(choices=ContactEvent.Channel.choices)
    party = serializers.ChoiceField(choices=ContactEvent.Party.choices, help_text=_("Who was contacted."))
    outcome = serializers.ChoiceField(choices=ContactEvent.Outcome.choices)
    from_number = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Required for calls and SMS: one of your authorised numbers, valid at that time (any other is "
            "stored and flagged as a conduct breach)."
        ),
    )
    collector = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Badge number of the collector who made the contact; must work for your agency."),
    )
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False, allow_null=True)
    recording = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Your reference to the recording. Every visit and every call someone answered is recorded: one "
            "without it is flagged as a conduct breach."
        ),
    )
    second_collector = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Home visits: badge number of the collector who went with the first; a visit made alone is flagged "
            "as a conduct breach."
        ),
    )


class ScheduledMeasureItemSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64,
        help_text=_("Your own unique id for this measure. Sending it again updates the measure instead."),
    )
    account = serializers.CharField(max_length=40, help_text=_("The platform's account reference."))
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in AGENCY_MEASURE_KINDS])
    planned_for = OffsetDateTimeField(
        help_text=_("When the measure is planned for, or was carried out (ISO 8601 with offset).")
    )
    status = serializers.ChoiceField(
        choices=ScheduledMeasure.Status.choices, required=False, default=ScheduledMeasure.Status.PLANNED
    )
    how_to_avoid = FreeTextSerializerField(max_length=1000, required=False, allow_blank=True, default="")


class ContactEventBatchSerializer(serializers.Serializer):
    items = ContactEventItemSerializer(many=True, min_length=1, max_length=MAX_BATCH)


class ScheduledMeasureBatchSerializer(serializers.Serializer):
    items = ScheduledMeasureItemSerializer(many=True, min_length=1, max_length=MAX_BATCH)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the item in the request, from 0."))
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=ITEM_RESULT_STATUSES)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Only for rejected items: field name (or non_field_errors) to messages."),
    )
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Only for stored items that broke a conduct rule: field name to messages. The item is kept."),
    )
    fields = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_(
            "Only for conflict items: the fields whose values differ from those already recorded under this "
            "external id. Nothing was changed."
        ),
    )


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    exists = serializers.IntegerField()
    rejected = serializers.IntegerField()
    conflict = serializers.IntegerField()
    results = ItemResultSerializer(many=True)


class ContactPreferenceSerializer(serializers.Serializer):
    account = serializers.CharField(source="reference")
    no_third_party_contact = serializers.BooleanField()
    window_start = serializers.TimeField(allow_null=True)
    window_end = serializers.TimeField(allow_null=True)
    preferred_channel = serializers.ChoiceField(choices=ContactPreference.Channel.choices)
    updated_at = serializers.DateTimeField(allow_null=True)


class ConductBreachSerializer(serializers.Serializer):
    contact = serializers.CharField(source="contact_event.external_id", help_text=_("Your id of the contact."))
    account = serializers.CharField(source="contact_event.account.reference")
    occurred_at = serializers.DateTimeField(source="contact_event.occurred_at")
    collector = serializers.CharField(
        source="collector.badge_number", allow_null=True, default=None, help_text=_("Badge number.")
    )
    rule = serializers.ChoiceField(choices=Breach.Rule.choices)
    facts = serializers.DictField(child=serializers.JSONField(), help_text=_("The values that show the breach."))
    evidence = serializers.CharField(help_text=_("The facts as a sentence."))
    detected_at = serializers.DateTimeField()


class AccountRestrictionSerializer(serializers.Serializer):
    account = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=Restriction.Kind.choices,
        help_text=_(
            "What binds your work on the account: collection_hold (make no contact), no_third_party, "
            "written_only (no calls or visits), not_at_work, stricter_care (no home visits, no third parties, "
            "at most one connected call a day, calls only in the narrower hours the platform sets) or measures_paused. "
            "Never why."
        ),
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True, help_text=_("Empty until it ends."))


class TicketSerializer(serializers.Serializer):
    reference = serializers.CharField(source="complaint.reference")
    status = serializers.ChoiceField(choices=AgencyTicket.Status.choices)
    sla_state = serializers.ChoiceField(
        choices=SLA_STATES,
        help_text=_("Where you stand against the first-response deadline."),
    )
    category = serializers.CharField(source="complaint.category.code")
    category_label = serializers.CharField(source="complaint.category.tr.label")
    severity = serializers.IntegerField(source="complaint.severity", help_text=_("1 is the most severe."))
    account = serializers.CharField(source="complaint.account.reference", allow_null=True, default=None)
    collector = serializers.CharField(
        source="complaint.collector.badge_number", allow_null=True, default=None, help_text=_("Badge number.")
    )
    opened_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    extension_status = serializers.ChoiceField(choices=AgencyTicket.ExtensionStatus.choices, allow_blank=True)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    text = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    token = serializers.CharField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    party = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ContactEventSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    channel = serializers.CharField()
    party = serializers.CharField()
    outcome = serializers.CharField()
    collector = serializers.CharField(source="collector.badge_number", allow_null=True, default=None)


class AgencyResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    statement = FreeTextSerializerField(max_length=5000, trim_whitespace=True)
    remediation = serializers.ChoiceField(choices=AgencyResponse.Remediation.choices)
    remediation_reason = FreeTextSerializerField(max_length=2000, required=False, allow_blank=True, default="")
    submitted_at = serializers.DateTimeField(read_only=True)

    def validate(self, attrs):
        if attrs["remediation"] == AgencyResponse.Remediation.NONE and not attrs.get("remediation_reason", "").strip():
            raise serializers.ValidationError({"remediation_reason": [_("Say why no action was taken.")]})
        return attrs


class ExtensionRequestSerializer(serializers.Serializer):
    reason = FreeTextSerializerField(max_length=2000)


class TicketDetailSerializer(TicketSerializer):
    incident_at = serializers.DateTimeField(source="complaint.incident_at")
    borrower_name = serializers.CharField(help_text=_("Masked."))
    borrower_consented = serializers.BooleanField(
        source="complaint.consent_to_share",
        help_text=_("Whether the borrower agreed to share their own words and files with your agency."),
    )
    description = serializers.SerializerMethodField(help_text=_("Empty unless the borrower agreed to share it."))
    desired_outcome = serializers.SerializerMethodField(help_text=_("Empty unless the borrower agreed to share it."))
    platform_message = serializers.CharField()
    account_on_hold = serializers.BooleanField(
        help_text=_("True while the platform has paused your work on the account: make no contact.")
    )
    account_restrictions = AccountRestrictionSerializer(
        many=True, help_text=_("The restrictions binding your agency on the account now.")
    )
    timeline = TimelineEntrySerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    contact_events = ContactEventSerializer(many=True, help_text=_("Your contacts within 7 days of the incident."))
    responses = AgencyResponseSerializer(many=True, source="response_list")

    @extend_schema_field(serializers.CharField())
    def get_description(self, ticket) -> str:
        return ticket.complaint.description if ticket.complaint.consent_to_share else ""

    @extend_schema_field(serializers.CharField())
    def get_desired_outcome(self, ticket) -> str:
        return ticket.complaint.desired_outcome if ticket.complaint.consent_to_share else ""
