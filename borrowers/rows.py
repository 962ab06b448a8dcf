"""Rows shared by the status page and the contact history, with every
display string worked out once here, so the templates do plain variable output."""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.phones import display_number
from conduct.models import Breach
from loans.models import ContactEvent


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A contact event as the borrower's pages show it, labels resolved."""

    pk: int
    occurred_at: datetime.datetime
    when: str
    channel: str
    party: str
    outcome: str
    agency: str
    collector_name: str
    collector_badge: str
    number: str
    complaint_query: str
    breaches: tuple[str, ...] = ()  # the conduct rules the contact broke, as labels
    # A home visit's second collector.
    second_name: str = ""
    second_badge: str = ""


def local_text(value: datetime.datetime | None, fmt: str) -> str:
    return timezone.localtime(value).strftime(fmt) if value is not None else ""


@functools.lru_cache(maxsize=4096)
def number_display(e164: str) -> str:
    return display_number(e164) if e164 else ""


def labels(choices_class) -> dict[str, str]:
    """The choices' labels in the active language, translated once per
    language and process rather than once per row."""
    return _labels_in(choices_class, get_language())


@functools.lru_cache(maxsize=64)
def _labels_in(choices_class, language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices_class.choices}


@functools.lru_cache(maxsize=64)
def _borrower_party_labels(language: str | None) -> dict[str, str]:
    """Who was contacted, said to the borrower: the model's labels are
    written for staff and agencies."""
    with translation.override(language):
        return {
            ContactEvent.Party.BORROWER: str(_("You")),
            ContactEvent.Party.EMERGENCY_CONTACT: str(_("Your emergency contact")),
            ContactEvent.Party.THIRD_PARTY: str(ContactEvent.Party.THIRD_PARTY.label),
        }


def contact_rows(*, reference: str, rows) -> list[ContactRow]:
    """Contacts as mappings with the contact event's ``id``, ``occurred_at``
    (aware), ``channel``, ``party``, ``outcome`` and ``from_number``, the
    agency's ``agency_name`` and ``agency_short_name``, the collector's
    ``collector_name`` and ``badge_number``, a home visit's ``second_name``
    and ``second_badge``, and the ``breaches`` (rule codes) it broke."""
    channels = labels(ContactEvent.Channel)
    parties = _borrower_party_labels(get_language())
    outcomes = labels(ContactEvent.Outcome)
    rules = labels(Breach.Rule)
    # The complaint form's query string, pre-filled with the contact (built by
    # hand: urlencode() cost more than the rest of the row).
    account_query = "account=" + quote_plus(reference)
    result = []
    for row in rows:
        pk, number, occurred_at = row["id"], row["from_number"], row["occurred_at"]
        query = f"{account_query}&event={pk}&number={quote_plus(number)}" if number else f"{account_query}&event={pk}"
        result.append(
            ContactRow(
                pk=pk,
                occurred_at=occurred_at,
                when=local_text(occurred_at, "%Y-%m-%d %H:%M"),
                channel=channels.get(row["channel"], row["channel"]),
                party=parties.get(row["party"], row["party"]),
                outcome=outcomes.get(row["outcome"], row["outcome"]),
                agency=row["agency_short_name"] or row["agency_name"],
                collector_name=row["collector_name"] or "",
                collector_badge=row["badge_number"] or "",
                number=number_display(number),
                complaint_query=query,
                breaches=tuple(rules.get(rule, rule) for rule in sorted(row["breaches"])),
                second_name=row["second_name"] or "",
                second_badge=row["second_badge"] or "",
            )
        )
    return result
