from django import forms
from django.utils.translation import gettext_lazy as _


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
    """The inbox filters. Values are checked against allow-lists: the three
    statuses and this agency's own collectors."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Waiting for us")),
            ("responded", _("Answered")),
            ("closed", _("Closed")),
        ],
    )
    collector = forms.ModelChoiceField(label=_("Collector"), required=False, queryset=None, empty_label=_("All"))

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].queryset = agency.collectors.order_by("display_name")
