from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import FreeTextField
from complaints.forms import EvidenceField
from complaints.models import AgencyResponse
from loans.models import ContactEvent


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric", maxlength="7")


class TicketFilterForm(forms.Form):
    """The inbox filters. Values are checked against allow-lists: the ticket
    statuses and this agency's own collectors."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Waiting for us")),
            ("responded", _("Answered")),
            ("closed", _("Closed")),
            ("moved", _("Moved to another agency")),
        ],
    )
    collector = forms.ModelChoiceField(label=_("Collector"), required=False, queryset=None, empty_label=_("All"))

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].queryset = agency.collectors.order_by("display_name")


class ResponseForm(forms.Form):
    """The agency's response. Evidence goes through the same checks as the
    borrower's (complaints' EvidenceField: count, size, type by content)."""

    statement = FreeTextField(
        label=_("Your statement"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, from your records and the collector's account."),
    )
    remediation = forms.ChoiceField(label=_("What you did about the collector"), choices=())
    remediation_reason = FreeTextField(
        label=_("Why no action (required if you took none)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recording_ref = forms.CharField(
        label=_("Recording reference"),
        max_length=120,
        required=False,
        help_text=_("Your reference to the recording of the contact complained about, if there is one."),
    )
    files = EvidenceField(label=_("Evidence (call recordings, documents)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remediation"].choices = AgencyResponse.Remediation.choices

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("remediation") == AgencyResponse.Remediation.NONE
            and not (cleaned.get("remediation_reason") or "").strip()
        ):
            self.add_error("remediation_reason", _("Say why no action was taken."))
        return cleaned


class ExtensionForm(forms.Form):
    reason = FreeTextField(
        label=_("Why you need more time"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A platform supervisor decides. Until then your deadline stays as it is."),
    )


class ContactReportForm(forms.Form):
    """One contact, reported by hand. The intake service does the checks
    (the same as the API's); this form only shapes the input."""

    external_id = forms.CharField(
        label=_("Your reference for this contact"),
        max_length=64,
        help_text=_("Unique within your agency; sending it again does not record it twice."),
    )
    account = forms.ChoiceField(label=_("Account"))
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactEvent.Channel.choices)
    party = forms.ChoiceField(label=_("Who was contacted"), choices=ContactEvent.Party.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactEvent.Outcome.choices)
    from_number = forms.CharField(
        label=_("From number"), max_length=32, required=False, help_text=_("Required for calls and SMS.")
    )
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    second_collector = forms.ChoiceField(
        label=_("Second collector"), required=False, help_text=_("Home visits are made by two collectors.")
    )
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), min_value=0, max_value=86_400, required=False)
    recording = forms.CharField(
        label=_("Recording reference"),
        max_length=120,
        required=False,
        help_text=_("Every visit and every call someone answered is recorded."),
    )

    def __init__(self, *args, accounts, collectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(reference, reference) for reference in accounts]
        people = [(collector.badge_number, str(collector)) for collector in collectors]
        self.fields["collector"].choices = [("", _("Not a named collector")), *people]
        self.fields["second_collector"].choices = [("", _("None")), *people]

    def as_item(self) -> dict:
        data = dict(self.cleaned_data)
        data["occurred_at"] = data["occurred_at"].isoformat()
        if data.get("duration_seconds") is None:
            data.pop("duration_seconds", None)
        return data


class BreachFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args, **kwargs):
        from conduct.models import Breach

        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All")), *Breach.Rule.choices]
