"""Writes and transitions for complaints, one module per concept. Import
from here."""

from .conversation import complaint_borrower_reply, complaint_note_add, complaint_request_information
from .decisions import (
    complaint_accept_decision,
    complaint_close_after_review_window,
    complaint_merge,
    complaint_rate,
    complaint_reject_decision,
    complaint_reopen,
    complaint_request_review,
    complaint_resolve,
    complaint_withdraw,
)
from .extensions import (
    agency_extension_approve,
    agency_extension_refuse,
    agency_extension_request,
    complaint_extend,
)
from .holds import hold_applies, hold_lift
from .intake import complaint_submit
from .routing import (
    complaint_answering_agency,
    complaint_move_to_agency,
    complaint_route,
    complaint_send_to_agency,
    complaints_route,
    responsible_party,
)
from .sweep import sla_sweep
from .tickets import agency_response_submit
from .transitions import ComplaintTransitionError, complaint_acknowledge, complaint_escalate, complaint_start_review
from .triage import complaint_assign, complaint_set_severity

__all__ = [
    "complaint_answering_agency",
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
    "complaints_route",
    "complaint_send_to_agency",
    "complaint_set_severity",
    "complaint_start_review",
    "complaint_submit",
    "complaint_withdraw",
    "hold_applies",
    "hold_lift",
    "responsible_party",
    "sla_sweep",
]
