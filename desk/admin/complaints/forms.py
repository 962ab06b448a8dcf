"""Forms of the complaint desk's actions: validation only."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.text import FreeTextField
from complaints.models import Complaint, Finding, ResolutionType, Severity, TimelineEvent
from desk.roles import SUPERVISOR, TRIAGE_AGENT

TEXT_MAX = 4000


def _text(label, help_text="", rows=4):
    return FreeTextField(
        label=label,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 70}),
    )


class StrippedTextForm(forms.Form):
    """Text fields may not be only spaces."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name in cleaned and not str(cleaned[name]).strip():
                self.add_error(name, _("This field is required."))
        return cleaned


def desk_staff():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name__in=[TRIAGE_AGENT, SUPERVISOR]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Nobody (unassign)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = desk_staff()


class MessageToAgencyForm(StrippedTextForm):
    message = _text(_("Message to the agency"), _("The agency reads this with the complaint."))


class MoveToAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Responsible agency"),
        queryset=Agency.objects.none(),
        help_text=_("Only agencies authorised now can take tickets."),
    )
    reason = _text(_("Why it moves (staff only)"))
    message = FreeTextField(
        label=_("Message to the new agency"),
        max_length=TEXT_MAX,
        required=False,
        help_text=_("The new agency reads this with the complaint. The first agency's answers are not shown to it."),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(status=Agency.Status.ACTIVE).order_by("kind", "name")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("This field is required."))
        return reason


class QuestionForm(StrippedTextForm):
    question = _text(
        _("Question for the borrower"),
        _("Only ask what the borrower alone can answer: the clocks pause until they do."),
    )


class ReasonForm(StrippedTextForm):
    reason = _text(_("Reason"))


class ExtendForm(StrippedTextForm):
    reason = _text(_("Reason the borrower will read"), _("Sent to the borrower with the new date."))


class ResolveForm(StrippedTextForm):
    resolution_type = forms.ChoiceField(label=_("Resolution"), choices=ResolutionType.choices)
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    explanation = _text(_("Explanation for the borrower"), rows=6)


class SeverityForm(StrippedTextForm):
    severity = forms.TypedChoiceField(label=_("Severity"), choices=Severity.choices, coerce=int)
    reason = _text(_("Reason"))


class MergeForm(forms.Form):
    primary = forms.CharField(
        label=_("Merge into complaint"),
        max_length=20,
        help_text=_("The reference of the complaint that stays open, e.g. TS-7K3M-Q9XP."),
    )

    def clean_primary(self):
        reference = self.cleaned_data["primary"].strip().upper()
        complaint = Complaint.objects.filter(reference=reference).first()
        if complaint is None:
            raise forms.ValidationError(
                _("No complaint has the reference %(reference)s."), params={"reference": reference}
            )
        return complaint


class ApproveExtensionForm(forms.Form):
    business_days = forms.IntegerField(
        label=_("More business days"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Empty: as many again as the policy gives."),
    )
    note = FreeTextField(
        label=_("Note to the agency"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(StrippedTextForm):
    """A note on the complaint page: internal, or a reply to the borrower or
    the agency."""

    AUDIENCES = [
        (TimelineEvent.Visibility.INTERNAL, _("Internal note (staff only)")),
        (TimelineEvent.Visibility.BORROWER, _("Reply to the borrower")),
        (TimelineEvent.Visibility.AGENCY, _("Message to the agency")),
    ]

    visibility = forms.ChoiceField(label=_("Who reads it"), choices=AUDIENCES)
    text = _text(_("Text"), rows=5)
