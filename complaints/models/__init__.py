"""Complaints about collector conduct: intake, the state machine, the
timeline, agency tickets, evidence, holds and SLA clocks, one module each.

The allowed status changes live in one table, :data:`TRANSITIONS`, next to
:class:`Status` (``complaint.py``); every change goes through
``complaints.services.transitions``. Import from here.
"""

from .categories import Category, CategoryGroup, Severity, SLAPolicy
from .complaint import (
    CROCKFORD_ALPHABET,
    MAX_EXTENSIONS,
    OPEN_STATUSES,
    TRANSITIONS,
    Complaint,
    Finding,
    ResolutionType,
    Status,
    new_reference,
    transition_allowed,
)
from .evidence import Evidence, Party
from .holds import Hold
from .sla import SLAClock, SLATarget
from .tickets import AgencyResponse, AgencyTicket, AgencyTicketQuerySet
from .timeline import AGENCY_KINDS, HistoryEvent, TimelineEvent
from .triage import TriageItem

__all__ = [
    "MAX_EXTENSIONS",
    "AGENCY_KINDS",
    "CROCKFORD_ALPHABET",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "AgencyResponse",
    "AgencyTicket",
    "AgencyTicketQuerySet",
    "Category",
    "CategoryGroup",
    "Complaint",
    "Evidence",
    "Finding",
    "Hold",
    "Party",
    "ResolutionType",
    "SLAPolicy",
    "HistoryEvent",
    "SLAClock",
    "SLATarget",
    "Severity",
    "Status",
    "TimelineEvent",
    "TriageItem",
    "new_reference",
    "transition_allowed",
]
