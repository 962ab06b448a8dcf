"""Bidi embeddings, overrides and isolates never reach the other party.

Each form and API field that one party writes for another to read is
listed here; the views' own tests show the text stored without them.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from borrowers import complaint_forms as borrower_forms
from common.text import FreeTextField, strip_bidi_controls
from complaints.models import Finding, ResolutionType
from desk.admin.complaints import forms as desk_forms
from desk.admin.notices import NoticeTemplateForm
from desk.forms import ReasonForm as SuspensionReasonForm
from tests.factories import AgencyFactory
from workspace import forms as agency_forms
from workspace.api import serializers as api

RLO = "\u202e"
WRITTEN = f"Called at 23:00 {RLO}fdp.exe, three nights in a row."
SHOWN = "Called at 23:00 fdp.exe, three nights in a row."


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_embeddings_overrides_and_isolates_are_stripped(control):
    assert strip_bidi_controls(f"a{control}b") == "ab"


def test_right_to_left_text_and_its_marks_are_kept():
    text = "\u05e9\u05dc\u05d5\u05dd\u200f, \u0645\u0631\u062d\u0628\u0627\u061c \u200e(1)"
    assert strip_bidi_controls(text) == text


def test_text_of_only_controls_is_empty_and_so_required():
    field = FreeTextField()
    with pytest.raises(ValidationError, match="required"):
        field.clean(f" {RLO}\u2066 ")


FORMS = [
    (borrower_forms.ReplyForm, "text", {}),
    (borrower_forms.WithdrawForm, "reason", {"confirm": "on"}),
    (borrower_forms.ReasonForm, "reason", {}),
    (borrower_forms.RateForm, "comment", {"rating": "4"}),
    (agency_forms.ResponseForm, "statement", {"remediation": "warned"}),
    (agency_forms.ResponseForm, "remediation_reason", {"statement": "Checked.", "remediation": "none"}),
    (agency_forms.ExtensionForm, "reason", {}),
    (desk_forms.MessageToAgencyForm, "message", {}),
    (desk_forms.QuestionForm, "question", {}),
    (desk_forms.ReasonForm, "reason", {}),
    (desk_forms.ExtendForm, "reason", {}),
    (
        desk_forms.ResolveForm,
        "explanation",
        {"resolution_type": ResolutionType.values[0], "finding": Finding.values[0]},
    ),
    (desk_forms.SeverityForm, "reason", {"severity": "2"}),
    (desk_forms.ApproveExtensionForm, "note", {}),
    (desk_forms.NoteForm, "text", {"visibility": "borrower"}),
    (SuspensionReasonForm, "reason", {}),
]


@pytest.mark.parametrize(
    ("form_class", "field", "data"), FORMS, ids=[f"{f.__module__}.{f.__name__}.{n}" for f, n, _d in FORMS]
)
def test_form_text_is_kept_without_bidi_controls(form_class, field, data):
    form = form_class(data={**data, field: WRITTEN})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == SHOWN


@pytest.mark.django_db
def test_message_to_a_new_agency_is_kept_without_bidi_controls():
    agency = AgencyFactory()
    form = desk_forms.MoveToAgencyForm(data={"agency": agency.pk, "reason": "Wrong agency.", "message": WRITTEN})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == SHOWN


@pytest.mark.parametrize("field", ["title_zh", "title_en", "body_zh", "body_en", "sms_zh", "sms_en"])
@pytest.mark.django_db
def test_notice_template_text_is_kept_without_bidi_controls(field):
    data = {"code": "bidi-test", "title_zh": "t", "title_en": "t", "body_zh": "b", "body_en": "b", "sms_zh": "s"}
    form = NoticeTemplateForm(data={**data, "sms_en": "s", field: WRITTEN})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == SHOWN


SERIALIZERS = [
    (api.AgencyResponseSerializer, "statement", {"remediation": "warned"}),
    (api.AgencyResponseSerializer, "remediation_reason", {"statement": "Checked.", "remediation": "none"}),
    (api.ExtensionRequestSerializer, "reason", {}),
    (
        api.ScheduledMeasureItemSerializer,
        "how_to_avoid",
        {"external_id": "m-1", "account": "L-1", "kind": "home_visit", "planned_for": timezone.now().isoformat()},
    ),
]


@pytest.mark.parametrize(
    ("serializer_class", "field", "data"), SERIALIZERS, ids=[f"{s.__name__}.{n}" for s, n, _d in SERIALIZERS]
)
def test_api_text_is_kept_without_bidi_controls(serializer_class, field, data):
    serializer = serializer_class(data={**data, field: WRITTEN})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data[field] == SHOWN
