"""The borrower's request forms. They only parse what was sent into the
shapes ``borrowerrequests.services.request_file`` takes: whether a request
may be filed is decided there, and its refusal is shown here, on the field
it is about (:meth:`RequestForm.add_service_error`)."""

import functools
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from borrowerrequests.models import ACCOUNT_KINDS, CONSENT_TEXT, EVIDENCE_KINDS, REASON_CLASSES, Kind
from borrowerrequests.services.filing import MAX_WORDS
from common.text import FreeTextField
from complaints.forms import EvidenceField

from .forms import CONFIRM_ERRORS

# What each kind does, in one line, for the menu of requests.
KIND_SUMMARIES = {
    Kind.DISPUTE: _(
        "Not your loan, a wrong amount, already paid, or your identity misused: outside agencies stop collecting "
        "until the lender verifies the debt."
    ),
    Kind.STOP_THIRD_PARTY: _("Nobody may contact your family, friends, colleagues or anyone else about your loans."),
    Kind.RESTRICT_CONTACT: _(
        "Written or online contact only, or no contact at your workplace: until a date or until you withdraw it."
    ),
    Kind.REPAYMENT_PLAN: _(
        "Tell the lender what you can pay each month; planned measures pause while it considers your plan."
    ),
    Kind.VULNERABILITY: _(
        "Illness, bereavement, disability, age 70 or over, studies or mental health: collectors must follow "
        "stricter contact rules."
    ),
}


class KindEntry(NamedTuple):
    kind: str
    href: str
    label: str
    summary: str


def request_kinds() -> tuple[KindEntry, ...]:
    """Each kind with the address of its form, its name and one line on what
    it does, for the menus (the status page shows them on every request)."""
    return _request_kinds(translation.get_language(), get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=32)
def _request_kinds(language: str | None, urlconf, prefix: str) -> tuple[KindEntry, ...]:
    """Built once per process, language and URL configuration: the kinds,
    their texts and their addresses change only with a release."""
    return tuple(
        KindEntry(
            kind,
            reverse("requests:new", args=(kind,), urlconf=urlconf),
            str(Kind(kind).label),
            str(KIND_SUMMARIES[kind]),
        )
        for kind in Kind.values
    )


_REASON_LABELS = {
    Kind.DISPUTE: _("Why do you dispute it?"),
    Kind.RESTRICT_CONTACT: _("How may collectors contact you?"),
    Kind.REPAYMENT_PLAN: _("Why can you not pay as agreed?"),
    Kind.VULNERABILITY: _("What is your situation?"),
}
_WORDS_LABELS = {
    Kind.DISPUTE: _("What is wrong, in your own words (optional)"),
    Kind.REPAYMENT_PLAN: _("Anything else the lender should know (optional)"),
    Kind.VULNERABILITY: _("Details (optional)"),
}
_WORDS_HELP = {
    Kind.DISPUTE: _("Only you and the platform's staff read this; agencies never see it."),
    Kind.REPAYMENT_PLAN: _("Only you, the platform's staff and the lender's own team read this."),
    Kind.VULNERABILITY: _("Only you and the platform's staff read this; agencies never see it."),
}
_FILES_LABELS = {
    Kind.DISPUTE: _("Evidence (receipts, statements, screenshots) (optional)"),
    Kind.REPAYMENT_PLAN: _("Evidence of your situation (optional)"),
    Kind.VULNERABILITY: _("Evidence (optional)"),
}

# A refusal's code (see request_file) -> the field it is about.
_ERROR_FIELDS = {
    "account_required": "account",
    "account_not_allowed": "account",
    "account": "account",
    "reason_invalid": "reason",
    "words_too_long": "words",
    "files_not_allowed": "files",
    "consent_required": "consent_given",
    "period_not_allowed": "restricted_until",
    "period_past": "restricted_until",
    "amount_not_allowed": "amount_per_month",
    "amount_invalid": "amount_per_month",
}


class RequestForm(forms.Form):
    """One form for every kind; each kind keeps only the fields it takes."""

    submit_token = forms.UUIDField(widget=forms.HiddenInput)
    account = forms.CharField(label=_("Which loan is it about?"), required=False, widget=forms.Select)
    reason = forms.CharField(required=False, widget=forms.RadioSelect)
    amount_per_month = forms.CharField(
        label=_("How much can you pay each month? (yuan)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    restricted_until = forms.DateField(
        label=_("Until which day? (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave it empty to keep the restriction until you withdraw it."),
    )
    words = FreeTextField(required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_WORDS}))
    files = EvidenceField()
    consent_given = forms.BooleanField(
        label=_("I give this separate consent to process my sensitive personal information."),
        required=False,
        help_text=CONSENT_TEXT,
    )

    def __init__(self, *args, kind: str, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.accounts = {account.reference: account for account in accounts}
        keep = {"submit_token"}
        if kind in ACCOUNT_KINDS:
            keep.add("account")
            self.fields["account"].widget.choices = [("", _("Choose a loan"))] + [
                (reference, f"{account.product} · {reference}") for reference, account in self.accounts.items()
            ]
        if kind in REASON_CLASSES:
            keep.add("reason")
            self.fields["reason"].label = _REASON_LABELS[kind]
            self.fields["reason"].widget.choices = REASON_CLASSES[kind].choices
        if kind == Kind.REPAYMENT_PLAN:
            keep.add("amount_per_month")
        if kind == Kind.RESTRICT_CONTACT:
            keep.add("restricted_until")
        if kind in _WORDS_LABELS:
            keep.add("words")
            self.fields["words"].label = _WORDS_LABELS[kind]
            self.fields["words"].help_text = _WORDS_HELP[kind]
        if kind in EVIDENCE_KINDS:
            keep.add("files")
            self.fields["files"].label = _FILES_LABELS[kind]
        if kind == Kind.VULNERABILITY:
            keep.add("consent_given")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean_account(self):
        """The borrower's loan of that reference; anything else is no loan,
        which the service refuses with its reason."""
        return self.accounts.get(self.cleaned_data.get("account") or "")

    def service_arguments(self) -> dict:
        """What ``request_file`` takes from this form, beyond who and when."""
        data = self.cleaned_data
        arguments = {"idempotency_key": str(data["submit_token"])}
        for name in ("account", "reason", "amount_per_month", "restricted_until", "words", "files", "consent_given"):
            if name in self.fields:
                arguments[name] = data.get(name)
        arguments["reason"] = arguments.get("reason") or ""
        arguments["words"] = arguments.get("words") or ""
        arguments["files"] = arguments.get("files") or []
        arguments["consent_given"] = bool(arguments.get("consent_given"))
        return arguments

    def add_service_error(self, error: ValidationError) -> None:
        """Show each of the service's refusals beside the field it is about."""
        for problem in error.error_list:
            field = _ERROR_FIELDS.get(problem.code or "")
            self.add_error(field if field in self.fields else None, problem)

    @property
    def had_files(self) -> bool:
        return bool(self.files.getlist("files")) if self.is_bound else False


class WithdrawForm(forms.Form):
    effective_at = forms.DateTimeField(
        label=_("From when? (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Leave it empty to end the request now. A later time keeps it in force until then."),
    )
    confirm = forms.BooleanField(label=_("Yes, withdraw this request."), error_messages=CONFIRM_ERRORS)


class EscalateForm(forms.Form):
    submit_token = forms.UUIDField(widget=forms.HiddenInput)
    description = FreeTextField(
        label=_("Why do you disagree with the lender's answer?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
    )
    files = EvidenceField(label=_("Evidence (optional)"))


class RevokeConsentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my consent and erase my details."), error_messages=CONFIRM_ERRORS
    )
