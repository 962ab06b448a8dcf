"""Was a call or SMS made from a number registered for the agency at the time?

The agency ingest warns about (and keeps) contacts from other numbers, and
the conduct rulebook records them as breaches; both ask here, so they cannot
disagree. A number registered for a collector authorises that collector's
contacts only; a number without a collector is shared by the whole agency.
A contact that names no collector is judged by the agency's numbers alone:
nothing says another collector used the phone.

Callers that check many contacts load the agencies' numbers once with
:meth:`AuthorisedNumbers.load` (one query) and ask the loaded rows.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError

from common.phones import normalise_number

from .models import Agency, AuthorisedNumber, Collector


class Registration(NamedTuple):
    collector_id: int | None
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None


@functools.lru_cache(maxsize=16_384)
def canonical_number(number: str) -> str:
    """``number`` in E.164 as :func:`~common.phones.normalise_number` writes
    it, or unchanged when it is not a valid number (stored numbers and
    reported ones may be in any accepted form; an invalid one matches only
    itself)."""
    try:
        return normalise_number(number)
    except ValidationError:
        return number


class AuthorisedNumbers:
    """The registered numbers of some agencies, keyed by agency id and
    canonical number."""

    def __init__(self, rows: Iterable[tuple[int, str, int | None, datetime.datetime, datetime.datetime | None]]):
        self._by_agency: dict[int, dict[str, list[Registration]]] = defaultdict(lambda: defaultdict(list))
        for agency_id, number, collector_id, valid_from, valid_until in rows:
            self._by_agency[agency_id][canonical_number(number)].append(
                Registration(collector_id, valid_from, valid_until)
            )

    @classmethod
    def load(cls, *, agency_ids: Iterable[int]) -> "AuthorisedNumbers":
        return cls(
            AuthorisedNumber.objects.filter(agency_id__in=set(agency_ids)).values_list(
                "agency_id", "number", "collector_id", "valid_from", "valid_until"
            )
        )

    def authorised(self, *, agency_id: int, collector_id: int | None, number: str, at: datetime.datetime) -> bool:
        """Precondition: ``agency_id`` was among the loaded agencies."""
        registrations = self._by_agency.get(agency_id, {}).get(canonical_number(number), ())
        return any(
            registration.valid_from <= at
            and (registration.valid_until is None or at < registration.valid_until)
            and (registration.collector_id is None or collector_id is None or registration.collector_id == collector_id)
            for registration in registrations
        )


def number_authorised(*, agency: Agency, collector: Collector | None, number: str, at: datetime.datetime) -> bool:
    """One contact's check, in one query."""
    return AuthorisedNumbers.load(agency_ids=[agency.pk]).authorised(
        agency_id=agency.pk, collector_id=collector.pk if collector else None, number=number, at=at
    )
