"""Requests borrowers make that bind collectors: the request and its state
machine (``request.py``, one table :data:`TRANSITIONS` narrowed per kind by
:data:`KIND_STATUSES`), its history, staff deadlines, consent to sensitive
information, evidence, and the lender's answers. Import from here."""

from .answers import DisputeVerification, PlanAnswer, PlanInstalment
from .consent import CONSENT_TEXT, CONSENT_VERSION, SensitiveConsent
from .events import RequestEvent
from .evidence import RequestEvidence
from .request import (
    ACCOUNT_KINDS,
    ACTIVE_STATUSES,
    EVIDENCE_KINDS,
    KIND_REASONS,
    KIND_STATUSES,
    REASON_CLASSES,
    TRANSITIONS,
    BorrowerRequest,
    DisputeReason,
    Kind,
    PlanReason,
    RestrictionMode,
    Status,
    VulnerabilityCategory,
    new_reference,
    transition_allowed,
)
from .sla import RequestDeadline, RequestSLAPolicy

__all__ = [
    "ACCOUNT_KINDS",
    "ACTIVE_STATUSES",
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "EVIDENCE_KINDS",
    "KIND_REASONS",
    "KIND_STATUSES",
    "REASON_CLASSES",
    "TRANSITIONS",
    "BorrowerRequest",
    "DisputeReason",
    "DisputeVerification",
    "Kind",
    "PlanAnswer",
    "PlanInstalment",
    "PlanReason",
    "RequestDeadline",
    "RequestEvent",
    "RequestEvidence",
    "RequestSLAPolicy",
    "RestrictionMode",
    "SensitiveConsent",
    "Status",
    "VulnerabilityCategory",
    "new_reference",
    "transition_allowed",
]
