"""Which staff actions a request's state allows, read from the table of
allowed status changes (``TRANSITIONS`` narrowed per kind).

The desk asks this before it offers an action, so staff are not shown one
that can only fail; the services still decide, under the row lock, and
refuse what has changed since the page was drawn.
"""

from .models import BorrowerRequest, Status, transition_allowed

# Each staff action and the status it moves the request to.
TARGETS = {
    "acknowledge": Status.IN_FORCE,
    "start_review": Status.UNDER_REVIEW,
    "accept": Status.ACCEPTED,
    "refuse": Status.REFUSED,
    "verify": Status.VERIFICATION_SENT,
    "correct": Status.CORRECTED,
    "plan_accept": Status.PLAN_ACCEPTED,
    "plan_offer": Status.PLAN_OFFERED,
}
# Staff decide only what is waiting for them. The table's other moves are
# the borrower's (accepting an offered plan, withdrawing, revoking consent)
# or the sweep's (a period ending).
STAFF_SOURCES = frozenset({Status.FILED, Status.UNDER_REVIEW})


def request_actions_allowed(*, request: BorrowerRequest) -> frozenset[str]:
    """The names of the staff actions this request allows now."""
    if request.status not in STAFF_SOURCES:
        return frozenset()
    return frozenset(
        name for name, target in TARGETS.items() if transition_allowed(request.kind, request.status, target)
    )
