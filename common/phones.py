"""Phone numbers: parsing what people type, and the E.164 form we store."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_number(raw: str) -> str:
    """Return any valid phone number (mobile, landline, 400/95 hotline) in E.164.

    Numbers without a country code are read as Chinese.
    """
    try:
        parsed = phonenumbers.parse((raw or "").strip(), "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_mainland_mobile(raw: str) -> str:
    """Return a mainland China mobile number in E.164 (+8613812345678)."""
    try:
        parsed = phonenumbers.parse((raw or "").strip(), "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter an 11-digit mainland mobile number."), code="invalid_mobile") from None
    if (
        parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in (phonenumbers.PhoneNumberType.MOBILE,)
    ):
        raise ValidationError(_("Enter an 11-digit mainland mobile number."), code="invalid_mobile")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """+8613812345678 -> 13812345678; other countries keep their national form."""
    try:
        parsed = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    return str(parsed.national_number) if parsed.country_code == 86 else e164


def display_number(e164: str) -> str:
    """A number as people in China write it: 138 1234 5678, 400-820-8820."""
    try:
        parsed = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
