"""Writes and transitions for complaints. Import from here."""

from .agency import (
    agency_extension_approve,
    agency_extension_refuse,
    agency_extension_request,
    agency_response_submit,
)
from .borrower import (
    complaint_accept_decision,
    complaint_borrower_reply,
    complaint_rate,
    complaint_reject_decision,
    complaint_request_review,
    complaint_withdraw,
)
from .core import ComplaintTransitionError
from .intake import complaint_submit
from .routing import complaint_route, responsible_party
from .sla import sla_sweep
from .staff import (
    complaint_acknowledge,
    complaint_assign,
    complaint_close_after_review_window,
    complaint_escalate,
    complaint_extend,
    complaint_merge,
    complaint_move_to_agency,
    complaint_note_add,
    complaint_reopen,
    complaint_request_information,
    complaint_resolve,
    complaint_send_to_agency,
    complaint_set_severity,
    complaint_start_review,
    hold_lift,
)

__all__ = [
    "ComplaintTransitionError",
    "agency_extension_approve",
    "agency_extension_refuse",
    "agency_extension_request",
    "agency_response_submit",
    "complaint_accept_decision",
    "complaint_acknowledge",
    "complaint_assign",
    "complaint_borrower_reply",
    "complaint_close_after_review_window",
    "complaint_escalate",
    "complaint_extend",
    "complaint_merge",
    "complaint_move_to_agency",
    "complaint_note_add",
    "complaint_rate",
    "complaint_reject_decision",
    "complaint_reopen",
    "complaint_request_information",
    "complaint_request_review",
    "complaint_resolve",
    "complaint_route",
    "complaint_send_to_agency",
    "complaint_set_severity",
    "complaint_start_review",
    "complaint_submit",
    "complaint_withdraw",
    "hold_lift",
    "responsible_party",
    "sla_sweep",
]
