"""Which staff actions a complaint's state allows, read from the table of
allowed status changes and the services' own preconditions.

The desk asks this before it offers an action, so staff are not shown one
that can only fail; the services still decide, under the row lock, and
refuse what has changed since the page was drawn.
"""

from .models import MAX_EXTENSIONS, OPEN_STATUSES, AgencyTicket, Complaint, Hold, Status, transition_allowed

# Actions that change the status: each is allowed where its target is.
TARGETS = {
    "acknowledge": Status.ACKNOWLEDGED,
    "send_to_agency": Status.WITH_AGENCY,
    "start_review": Status.UNDER_REVIEW,
    "escalate": Status.ESCALATED,
    "resolve": Status.RESOLVED,
    "merge": Status.CLOSED,
    "reopen": Status.REOPENED,
}
# Actions that work on any open complaint without changing its status.
WHILE_OPEN = frozenset({"assign_to_me", "assign", "move_to_agency", "set_severity"})


def complaint_actions_allowed(
    *, complaint: Complaint, ticket: AgencyTicket | None = None, hold: Hold | None = None
) -> frozenset[str]:
    """The names of the actions this complaint allows now. ``ticket`` is its
    current agency ticket and ``hold`` its hold, if any."""
    status = complaint.status
    is_open = status in OPEN_STATUSES
    allowed = {name for name, target in TARGETS.items() if transition_allowed(status, target)}
    if complaint.closed_reason == Complaint.ClosedReason.MERGED:
        allowed.discard("reopen")
    if is_open:
        allowed |= WHILE_OPEN
        if complaint.waiting_on_borrower_since is None:
            allowed.add("request_information")
        if complaint.extension_count < MAX_EXTENSIONS:
            allowed.add("extend")
    if hold is not None and hold.lifted_at is None:
        allowed.add("lift_hold")
    if ticket is not None and not ticket.is_moved and ticket.extension_status == AgencyTicket.ExtensionStatus.REQUESTED:
        allowed |= {"approve_extension", "refuse_extension"}
    return frozenset(allowed)
