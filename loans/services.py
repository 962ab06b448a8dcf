"""Writes on the collection domain made by borrowers: their contact preferences."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Borrower, ContactPreference

# The conduct rules forbid contact between 22:00 and 08:00 (China pack, quiet
# hours), so a borrower's chosen window must lie inside 08:00-22:00.
ALLOWED_CONTACT_START = datetime.time(8, 0)
ALLOWED_CONTACT_END = datetime.time(22, 0)


def contact_window_validate(*, window_start: datetime.time | None, window_end: datetime.time | None) -> None:
    if window_start is None and window_end is None:
        return
    if window_start is None or window_end is None:
        raise ValidationError(_("Choose both a start and an end time, or neither."), code="window_incomplete")
    if window_start < ALLOWED_CONTACT_START or window_end > ALLOWED_CONTACT_END:
        raise ValidationError(
            _("The window must lie between 08:00 and 22:00; nobody may contact you outside those hours."),
            code="window_outside_hours",
        )
    if window_end <= window_start:
        raise ValidationError(_("The end time must be after the start time."), code="window_order")


def contact_preference_update(
    *,
    borrower: Borrower,
    no_third_party_contact: bool,
    window_start: datetime.time | None,
    window_end: datetime.time | None,
    preferred_channel: str,
    now: datetime.datetime,
) -> ContactPreference:
    """Record the borrower's wishes; every change is kept in the history.

    Saving the same values again changes nothing and adds no history entry.
    """
    contact_window_validate(window_start=window_start, window_end=window_end)
    if preferred_channel not in ContactPreference.Channel.values:
        raise ValidationError(_("Choose one of the offered channels."), code="invalid_channel")
    values = {
        "no_third_party_contact": no_third_party_contact,
        "window_start": window_start,
        "window_end": window_end,
        "preferred_channel": preferred_channel,
    }
    with transaction.atomic():
        preference = ContactPreference.objects.select_for_update().filter(borrower=borrower).first()
        if preference is None:
            preference = ContactPreference(borrower=borrower, **values, updated_at=now)
            preference._change_reason = "borrower"
            preference.save()
            return preference
        if all(getattr(preference, field) == value for field, value in values.items()):
            return preference
        for field, value in values.items():
            setattr(preference, field, value)
        preference.updated_at = now
        preference._change_reason = "borrower"
        preference.save()
        return preference
