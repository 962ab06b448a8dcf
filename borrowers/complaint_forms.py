"""The borrower's complaint forms. Validation only: the views call the services."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from common.phones import display_number, normalise_number
from common.text import FreeTextField
from complaints.forms import EvidenceField, lazy_percent_format
from complaints.selectors import active_categories, categories_grouped
from loans.models import ContactEvent
from loans.selectors import contact_event_on_accounts

from .forms import CONFIRM_ERRORS

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5000
OUTCOME_MAX = 2000


class ComplaintForm(forms.Form):
    submit_token = forms.UUIDField(widget=forms.HiddenInput)
    account = forms.ChoiceField(label=_("Which loan is it about?"), required=False)
    contact_event = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(label=_("What happened?"))
    incident_at = forms.DateTimeField(
        label=_("When did it happen?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    caller_number = forms.CharField(
        label=_("Number that called or texted you"),
        required=False,
        max_length=30,
        help_text=_("Leave empty if you do not know it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    named_agency = FreeTextField(
        label=_("Agency or company they named"),
        required=False,
        max_length=200,
        help_text=_("Leave empty if you do not know."),
    )
    named_collector = FreeTextField(
        label=_("Collector's name or badge number"),
        required=False,
        max_length=100,
        help_text=_("Leave empty if you do not know."),
    )
    description = FreeTextField(
        label=_("Tell us what happened"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
        help_text=lazy_percent_format(
            _("Between %(min)d and %(max)d characters. Include what was said and by whom."),
            min=DESCRIPTION_MIN,
            max=DESCRIPTION_MAX,
        ),
    )
    desired_outcome = FreeTextField(
        label=_("What would you like us to do?"),
        required=False,
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": OUTCOME_MAX}),
    )
    consent_to_share = forms.BooleanField(
        label=_("Share my complaint with the agency concerned"),
        required=False,
        help_text=_(
            "If you tick this, the agency sees your description, files and later messages and can answer you "
            "directly. If not, it learns only which contact and what kind of conduct you complain about; the "
            "platform handles the rest."
        ),
    )
    files = EvidenceField(label=_("Evidence (recordings, screenshots, letters)"))

    def __init__(self, *args, borrower, accounts, now: datetime.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.borrower = borrower
        self.now = now
        self.accounts = {account.reference: account for account in accounts}
        self.fields["account"].choices = [("", _("Not about one particular loan"))] + [
            (reference, f"{reference} · {account.product}") for reference, account in self.accounts.items()
        ]
        # The active categories offered, kept to check the choice against.
        self.categories, self.fields["category"].choices = _category_choices()

    def clean_account(self):
        reference = self.cleaned_data.get("account") or ""
        if not reference:
            return None
        if reference not in self.accounts:
            raise ValidationError(_("Choose one of your loans."), code="account")
        return self.accounts[reference]

    def clean_category(self):
        category = self.categories.get(self.cleaned_data["category"])
        if category is None:
            raise ValidationError(_("Choose what happened from the list."), code="category")
        return category

    def clean_incident_at(self):
        value = self.cleaned_data["incident_at"]
        if value > self.now + datetime.timedelta(minutes=5):
            raise ValidationError(_("The time cannot be in the future."), code="future")
        if value < self.now - datetime.timedelta(days=3 * 365):
            raise ValidationError(_("We can only look into things from the last three years."), code="too_old")
        return value

    def clean_caller_number(self):
        raw = self.cleaned_data.get("caller_number", "").strip()
        return normalise_number(raw) if raw else ""

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean(self):
        cleaned = super().clean()
        event_id = cleaned.get("contact_event")
        account = cleaned.get("account")
        if event_id:
            event = contact_event_on_accounts(accounts=self.accounts.values(), event_id=event_id)
            if event is None or (account is not None and event.account_id != account.pk):
                raise ValidationError(_("The contact you complain about was not found on this loan."), code="event")
            cleaned["contact_event"] = event
            cleaned["account"] = event.account
        else:
            cleaned["contact_event"] = None
        return cleaned

    @property
    def had_files(self) -> bool:
        return bool(self.files.getlist("files")) if self.is_bound else False


class _BuiltChoices(BaseChoiceIterator):
    """Choices built once and shared by every form of the process: a field
    takes them as they are instead of walking them again for each form."""

    def __init__(self, choices: list):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


# Per language: the active categories' list (``active_categories``) they
# were built from, the categories by code, and the category field's choices.
_categories_offered: dict[str, tuple[list, dict, _BuiltChoices]] = {}


def _category_choices() -> tuple[dict, _BuiltChoices]:
    """The active categories by code and their choices under group labels,
    in the active language, built again when the categories change."""
    categories = active_categories.get()
    language = translation.get_language()
    kept = _categories_offered.get(language)
    if kept is None or kept[0] is not categories:
        grouped = categories_grouped(categories)
        choices = [("", _("Choose one"))] + [
            (group, [(category.code, category.tr.label) for category in items]) for group, items in grouped
        ]
        by_code = {category.code: category for _group, items in grouped for category in items}
        kept = _categories_offered[language] = (categories, by_code, _BuiltChoices(choices))
    return kept[1], kept[2]


def complained_event(*, accounts, params) -> ContactEvent | None:
    """The borrower's contact that ``?event=`` names ("complain about this
    call"), or None."""
    event_id = params.get("event", "")
    if not event_id.isdigit():
        return None
    return contact_event_on_accounts(accounts=accounts, event_id=int(event_id), with_parties=True)


def initial_for(*, accounts, params, event: ContactEvent | None, now: datetime.datetime, token) -> dict:
    """Prefill from where the borrower came: an account, a contact event
    (``complained_event``) or a caller check (``?number=``)."""
    initial = {"submit_token": token, "incident_at": timezone.localtime(now).replace(second=0, microsecond=0)}
    references = {account.reference for account in accounts}
    if params.get("account") in references:
        initial["account"] = params["account"]
    if event is not None:
        initial.update(
            {
                "contact_event": event.pk,
                "account": event.account.reference,
                "incident_at": timezone.localtime(event.occurred_at).replace(second=0, microsecond=0),
                "named_agency": event.agency.name,
                "named_collector": event.collector.badge_number if event.collector else "",
                "caller_number": display_number(event.from_number) if event.from_number else "",
            }
        )
    number = params.get("number", "")
    if number and "caller_number" not in initial:
        try:
            initial["caller_number"] = display_number(normalise_number(number))
        except ValidationError:
            pass
        else:
            if "contact_event" not in initial:
                initial["category"] = "AG-UNAUTH"
    return initial


class ReplyForm(forms.Form):
    text = FreeTextField(
        label=_("Your message"), required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = EvidenceField(label=_("Add evidence"))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("files") and not self.errors:
            raise ValidationError(_("Write a message or attach a file."), code="empty")
        return cleaned


class WithdrawForm(forms.Form):
    reason = FreeTextField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this complaint. This cannot be undone."), error_messages=CONFIRM_ERRORS
    )


class ReasonForm(forms.Form):
    reason = FreeTextField(
        label=_("Your reason"), min_length=5, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your complaint handled?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is very well, 1 is very badly."),
    )
    comment = FreeTextField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
