"""One function per record type: validate the record, then write it.

Each applier raises :class:`~loans.feed.fields.RowRejected` before it writes
anything, so a rejected row leaves no trace; the caller runs it inside a
savepoint so that a database error also rolls the row back whole.

Record types about things above ``loans`` (the lender's answers to
borrowers' requests) are registered by their own app with
:func:`record_type_register` from its ``AppConfig.ready``. ``loans`` stays
below them, knowing nothing of what they are, and those records are still
answered line by line, at import time, with the reasons only their app can
give (a request that is not waiting for the lender, an instalment in the
past): storing a plain row here for the app to pick up later would leave
the lender's feed with no per-line error for them.
"""

from collections.abc import Callable

from loans.feed.context import FeedContext

from .accounts import apply_account, apply_borrower, apply_stage_change
from .activity import apply_contact, apply_measure, apply_preference
from .assignments import apply_assignment
from .registry import apply_agency, apply_collector, apply_number
from .writing import Outcome

__all__ = ["APPLIERS", "ID_OWNER_FIELDS", "Applier", "Outcome", "record_type_register"]

Applier = Callable[[FeedContext, str, dict], Outcome]

# Contacts and measures carry the agency's own ids, unique per agency: the
# field naming that agency. Every other id is unique per type. The appliers
# look existing rows up by the same key.
ID_OWNER_FIELDS = {"contact": "agency", "measure": "performer"}

# In the order a feed should list them: each type refers only to earlier ones.
APPLIERS: dict[str, Applier] = {
    "agency": apply_agency,
    "collector": apply_collector,
    "number": apply_number,
    "borrower": apply_borrower,
    "account": apply_account,
    "stage_change": apply_stage_change,
    "assignment": apply_assignment,
    "contact": apply_contact,
    "measure": apply_measure,
    "preference": apply_preference,
}


def record_type_register(record_type: str, applier: Applier) -> None:
    """Add a record type from an app above ``loans`` (call it from the app's
    ``ready``). It comes after the types already known, so a feed lists it
    after them; registering the same applier again changes nothing."""
    if APPLIERS.get(record_type, applier) is not applier:
        raise ValueError(f"Feed record type {record_type!r} is already registered.")
    APPLIERS[record_type] = applier
