import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from common.phones import normalise_mainland_mobile, normalise_number
from loans.models import ContactPreference
from loans.services import ALLOWED_CONTACT_END, ALLOWED_CONTACT_START, contact_window_validate

# A confirmation box left unticked says what to do, not "This field is required".
CONFIRM_ERRORS = {"required": _("Tick the box to confirm.")}


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel-national", "placeholder": "138 0013 8000"}
        ),
        help_text=_("The mainland mobile number you gave when you took out the loan."),
    )

    def clean_phone(self) -> str:
        return normalise_mainland_mobile(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        # The one check, with the one message a wrong code deserves.
        validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the 6 digits from the SMS."))],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "maxlength": 6}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class NumberForm(forms.Form):
    number = forms.CharField(
        label=_("The number that contacted you"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "021 6000 0000"}),
        help_text=_("Type it as shown on your phone, with or without the area code or +86."),
    )

    def clean_number(self) -> str:
        return normalise_number(self.cleaned_data["number"])


def _time_choices(*, starts: bool):
    """Every half hour of the permitted hours a window may start at (all but
    the last) or end at (all but the first)."""
    choices = [("", _("No preference"))]
    step = datetime.timedelta(minutes=30)
    day = datetime.date(2000, 1, 1)
    moment = datetime.datetime.combine(day, ALLOWED_CONTACT_START)
    end = datetime.datetime.combine(day, ALLOWED_CONTACT_END)
    if starts:
        end -= step
    else:
        moment += step
    while moment <= end:
        value = moment.strftime("%H:%M")
        choices.append((value, value))
        moment += step
    return choices


def _start_choices():
    return _time_choices(starts=True)


def _end_choices():
    return _time_choices(starts=False)


class PreferenceForm(forms.Form):
    no_third_party_contact = forms.BooleanField(
        label=_("Do not contact my family, friends, colleagues or employer"),
        required=False,
        help_text=_("Collectors must then contact only you."),
    )
    window_start = forms.TypedChoiceField(
        label=_("Contact me from"),
        choices=_start_choices,
        required=False,
        coerce=lambda value: datetime.time.fromisoformat(value),
        empty_value=None,
    )
    window_end = forms.TypedChoiceField(
        label=_("Contact me until"),
        choices=_end_choices,
        required=False,
        coerce=lambda value: datetime.time.fromisoformat(value),
        empty_value=None,
        help_text=_("Between 08:00 and 22:00, China time. Leave both empty for the usual permitted hours."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred way to contact me"), choices=ContactPreference.Channel.choices
    )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("window_start") or self.has_error("window_end"):
            return cleaned
        try:
            contact_window_validate(window_start=cleaned.get("window_start"), window_end=cleaned.get("window_end"))
        except ValidationError as error:
            self.add_error("window_end", error)
        return cleaned
