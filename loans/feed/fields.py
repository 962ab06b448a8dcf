"""Reading one feed record: typed, validated field access.

Every problem raises :class:`RowRejected` with a machine-readable ``code`` (for
tests and tooling) and a translatable message (for people). Nothing here
touches the database.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from common.phones import normalise_mainland_mobile, normalise_number

MAX_AMOUNT_DIGITS = 12
AMOUNT_PLACES = 2

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class RowRejected(Exception):
    def __init__(self, message: str, *, code: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def id_number_is_valid(value: str) -> bool:
    """Mainland resident identity number (GB 11643): 17 digits and a check character."""
    if not _ID_NUMBER.match(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def aware_datetime(value, *, field: str) -> datetime.datetime:
    """A time without a UTC offset is refused, never read as China time: a
    system that leaves the offset out may keep UTC, and a guessed offset
    misplaces the moment by hours. The lender's feed and the agency API both
    read times through this one rule.

    Raises ValidationError (codes ``invalid``, ``invalid_time``,
    ``naive_time``) with a message that names the field.
    """
    if not isinstance(value, str):
        raise ValidationError(_("“%(field)s” must be an ISO 8601 date and time.") % {"field": field}, code="invalid")
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("“%(field)s” is not an ISO 8601 date and time, e.g. 2026-11-28T14:30:00+08:00.") % {"field": field},
            code="invalid_time",
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            _("“%(field)s” has no UTC offset; write it like 2026-11-28T14:30:00+08:00.") % {"field": field},
            code="naive_time",
        )
    return moment


class Fields:
    """The fields of one record. ``allowed`` lists every field the type knows;
    anything else is refused so a misspelt field never goes unnoticed."""

    def __init__(self, record: dict, *, allowed: set[str]):
        self.record = record
        unknown = sorted(set(record) - allowed - {"type", "id"})
        if unknown:
            raise RowRejected(
                _("Unknown field “%(field)s”.") % {"field": unknown[0]}, code="unknown_field", field=unknown[0]
            )

    def _raw(self, name: str, *, required: bool):
        value = self.record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise RowRejected(_("The field “%(field)s” is missing.") % {"field": name}, code="missing", field=name)
            return None
        return value

    def _invalid(self, name: str, message: str, code: str = "invalid") -> RowRejected:
        return RowRejected(message, code=code, field=name)

    def text(self, name: str, *, max_length: int, required: bool = True) -> str:
        value = self._raw(name, required=required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._invalid(name, _("“%(field)s” must be text.") % {"field": name})
        value = value.strip()
        if len(value) > max_length:
            raise self._invalid(
                name,
                _("“%(field)s” is longer than %(max)d characters.") % {"field": name, "max": max_length},
            )
        return value

    def identifier(self, name: str, *, max_length: int = 64, required: bool = True) -> str:
        """An id given as text (a whole number is accepted and read as text)."""
        value = self._raw(name, required=required)
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self._invalid(name, _("“%(field)s” must be a text identifier.") % {"field": name})
        value = value.strip()
        if len(value) > max_length:
            raise self._invalid(
                name,
                _("“%(field)s” is longer than %(max)d characters.") % {"field": name, "max": max_length},
            )
        return value

    def choice(self, name: str, choices, *, required: bool = True, default: str = "") -> str:
        value = self._raw(name, required=required and not default)
        if value is None:
            return default
        allowed = [str(choice) for choice in choices.values]
        if value not in allowed:
            raise self._invalid(
                name,
                _("“%(value)s” is not a valid %(field)s; use one of: %(allowed)s.")
                % {"value": value, "field": name, "allowed": ", ".join(allowed)},
            )
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.record.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._invalid(name, _("“%(field)s” must be true or false.") % {"field": name})
        return value

    def integer(self, name: str, *, minimum: int = 0, maximum: int = 2**31 - 1, required: bool = False) -> int | None:
        value = self._raw(name, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self._invalid(
                name,
                _("“%(field)s” must be a whole number from %(min)d to %(max)d.")
                % {"field": name, "min": minimum, "max": maximum},
            )
        return value

    def amount(self, name: str, *, required: bool = True) -> Decimal:
        value = self._raw(name, required=required)
        if value is None:
            return Decimal("0.00")
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise self._invalid(name, _('“%(field)s” must be an amount such as "1234.56".') % {"field": name})
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise self._invalid(name, _('“%(field)s” must be an amount such as "1234.56".') % {"field": name}) from None
        if not amount.is_finite():
            raise self._invalid(name, _('“%(field)s” must be an amount such as "1234.56".') % {"field": name})
        if amount < 0:
            raise self._invalid(name, _("“%(field)s” must not be negative.") % {"field": name}, "negative_amount")
        if amount.adjusted() >= MAX_AMOUNT_DIGITS - AMOUNT_PLACES:
            raise self._invalid(name, _("“%(field)s” is too large.") % {"field": name})
        cents = amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
        if amount != cents:
            raise self._invalid(name, _("“%(field)s” has more than two decimal places.") % {"field": name})
        return cents

    def aware(self, name: str, *, required: bool = True) -> datetime.datetime | None:
        value = self._raw(name, required=required)
        if value is None:
            return None
        try:
            return aware_datetime(value, field=name)
        except ValidationError as error:
            raise self._invalid(name, error.messages[0], error.code) from None

    def date(self, name: str, *, required: bool = True) -> datetime.date | None:
        value = self._raw(name, required=required)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or len(value.strip()) != 10:
                raise ValueError
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise self._invalid(
                name, _("“%(field)s” must be a date such as 2026-11-28.") % {"field": name}, "invalid_date"
            ) from None

    def clock_time(self, name: str, *, required: bool = False) -> datetime.time | None:
        value = self._raw(name, required=required)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value.strip()):
                raise ValueError
            return datetime.time.fromisoformat(value.strip())
        except ValueError:
            raise self._invalid(name, _("“%(field)s” must be a time of day such as 08:30.") % {"field": name}) from None

    def phone(self, name: str, *, mobile: bool = False, required: bool = True) -> str:
        value = self._raw(name, required=required)
        if value is None:
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self._invalid(name, _("“%(field)s” must be a phone number.") % {"field": name}, "invalid_phone")
        try:
            return (normalise_mainland_mobile if mobile else normalise_number)(str(value))
        except ValidationError as error:
            raise self._invalid(
                name, f"{name}: {' '.join(str(message) for message in error.messages)}", "invalid_phone"
            ) from None

    def email(self, name: str, *, max_length: int = 254) -> str:
        value = self.text(name, max_length=max_length, required=False)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise self._invalid(name, _("“%(field)s” is not a valid e-mail address.") % {"field": name}) from None
        return value

    def id_number(self, name: str) -> str:
        value = self.text(name, max_length=18, required=False).upper()
        if value and not id_number_is_valid(value):
            raise self._invalid(name, _("“%(field)s” is not a valid resident ID number.") % {"field": name})
        return value
