"""Rows shared by the status page and the contact history, with every
display string worked out once here, so the templates do plain variable output."""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.utils import timezone, translation
from django.utils.translation import get_language

from common.phones import display_number
from conduct.models import Breach
from loans.models import ContactEvent

from . import rawsql


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


def contact_rows(*, reference: str, rows) -> list[ContactRow]:
    """Rows of (pk, occurred_at, channel, party, outcome, number, agency,
    agency short name, collector, badge, second collector, their badge,
    breached rule codes)."""
    channels = labels(ContactEvent.Channel)
    parties = labels(ContactEvent.Party)
    outcomes = labels(ContactEvent.Outcome)
    rules = labels(Breach.Rule)
    # The complaint form's query string, pre-filled with the contact (built by
    # hand: urlencode() cost more than the rest of the row).
    account_query = "account=" + quote_plus(reference)
    result = []
    for (
        pk,
        occurred_at,
        channel,
        party,
        outcome,
        number,
        agency,
        agency_short,
        collector,
        badge,
        second,
        second_badge,
        breached,
    ) in rows:
        query = f"{account_query}&event={pk}&number={quote_plus(number)}" if number else f"{account_query}&event={pk}"
        result.append(
            ContactRow(
                pk=pk,
                occurred_at=occurred_at,
                when=local_text(occurred_at, "%Y-%m-%d %H:%M"),
                channel=channels.get(channel, channel),
                party=parties.get(party, party),
                outcome=outcomes.get(outcome, outcome),
                agency=agency_short or agency,
                collector_name=collector or "",
                collector_badge=badge or "",
                number=number_display(number),
                complaint_query=query,
                breaches=tuple(rules.get(rule, rule) for rule in sorted(rawsql.json_list(breached))),
                second_name=second or "",
                second_badge=second_badge or "",
            )
        )
    return result
