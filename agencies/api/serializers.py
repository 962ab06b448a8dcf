"""Request and response shapes of the agency API. The ingest serializers'
fields also do the per-item field validation (see :mod:`agencies.ingest`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from loans.models import ContactEvent, ContactPreference, ScheduledMeasure

MAX_BATCH = 1000
AGENCY_MEASURE_KINDS = [
    ScheduledMeasure.Kind.HOME_VISIT,
    ScheduledMeasure.Kind.LAWYER_LETTER,
    ScheduledMeasure.Kind.REMINDER,
]


class ContactEventItemSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text=_("Your own unique id for this event. Sending it again does not create a duplicate.")
    )
    account = serializers.CharField(max_length=40, help_text=_("The platform's account reference."))
    occurred_at = serializers.DateTimeField(help_text=_("When the contact happened (ISO 8601 with offset)."))
    channel = serializers.ChoiceField(choices=ContactEvent.Channel.choices)
    party = serializers.ChoiceField(choices=ContactEvent.Party.choices, help_text=_("Who was contacted."))
    outcome = serializers.ChoiceField(choices=ContactEvent.Outcome.choices)
    from_number = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required for calls and SMS: one of your authorised numbers, valid at that time."),
    )
    collector = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Badge number of the collector who made the contact; must work for your agency."),
    )
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False, allow_null=True)


class ScheduledMeasureItemSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64,
        help_text=_("Your own unique id for this measure. Sending it again updates the measure instead."),
    )
    account = serializers.CharField(max_length=40, help_text=_("The platform's account reference."))
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in AGENCY_MEASURE_KINDS])
    planned_for = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=ScheduledMeasure.Status.choices, required=False, default=ScheduledMeasure.Status.PLANNED
    )
    how_to_avoid = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ContactEventBatchSerializer(serializers.Serializer):
    items = ContactEventItemSerializer(many=True, min_length=1, max_length=MAX_BATCH)


class ScheduledMeasureBatchSerializer(serializers.Serializer):
    items = ScheduledMeasureItemSerializer(many=True, min_length=1, max_length=MAX_BATCH)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the item in the request, from 0."))
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "exists", "rejected"])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Only for rejected items: field name (or non_field_errors) to messages."),
    )


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    exists = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ItemResultSerializer(many=True)


class ContactPreferenceSerializer(serializers.Serializer):
    account = serializers.CharField(source="reference")
    no_third_party_contact = serializers.BooleanField()
    window_start = serializers.TimeField(allow_null=True)
    window_end = serializers.TimeField(allow_null=True)
    preferred_channel = serializers.ChoiceField(choices=ContactPreference.Channel.choices)
    updated_at = serializers.DateTimeField(allow_null=True)
