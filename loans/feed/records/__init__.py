"""One function per record type: validate the record, then write it.

Each applier raises :class:`~loans.feed.fields.RowRejected` before it writes
anything, so a rejected row leaves no trace; the caller runs it inside a
savepoint so that a database error also rolls the row back whole.
"""

from collections.abc import Callable

from loans.feed.context import FeedContext

from .accounts import apply_account, apply_borrower, apply_stage_change
from .activity import apply_contact, apply_measure, apply_preference
from .assignments import apply_assignment
from .registry import apply_agency, apply_collector, apply_number
from .writing import Outcome

__all__ = ["APPLIERS", "ID_OWNER_FIELDS", "Applier", "Outcome"]

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
