"""Checking reported contacts against the rulebook, in the background.

Contacts arrive from the lender's feed, the agencies' API and their
workspace; each path only stores them. A beat task checks what has not been
checked yet, a batch at a time, so no contact is missed when the worker was
down and none is checked twice.
"""

import datetime
import logging

from django.db import transaction

from loans.models import ContactEvent

from .models import Breach
from .rules import breaches_of_contacts, contacts_of

logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000


def conduct_check_pending(*, now: datetime.datetime, batch_size: int = BATCH_SIZE, max_batches: int = 10) -> int:
    """Check up to ``max_batches`` batches of unchecked contacts, oldest first;
    return how many contacts were checked."""
    checked = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            contacts = contacts_of(
                ContactEvent.objects.filter(conduct_checked_at__isnull=True)
                .select_for_update(skip_locked=True, of=("self",), no_key=True)
                .order_by("occurred_at", "pk")[:batch_size]
            )
            if not contacts:
                break
            breaches = breaches_of_contacts(contacts, now=now)
            Breach.objects.bulk_create(breaches, ignore_conflicts=True)
            ContactEvent.objects.filter(pk__any_of=[contact.pk for contact in contacts]).update(conduct_checked_at=now)
        checked += len(contacts)
        if breaches:
            logger.info("Conduct check: %d contacts, %d breaches found.", len(contacts), len(breaches))
    return checked
