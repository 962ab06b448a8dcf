"""Writes and transitions for borrower requests, one module per concept.
Import from here. Every service is keyword-only and takes ``now``."""

from .consent import consent_revoke
from .core import RequestTransitionError
from .decisions import (
    request_accept,
    request_acknowledge,
    request_period_end,
    request_refuse,
    request_start_review,
    request_withdraw,
)
from .disputes import dispute_correct, dispute_escalate, dispute_verify
from .evidence import request_evidence_response
from .filing import receipt_send, request_file
from .plans import plan_accept, plan_offer, plan_offer_accept
from .sweep import requests_sweep

__all__ = [
    "RequestTransitionError",
    "consent_revoke",
    "dispute_correct",
    "dispute_escalate",
    "dispute_verify",
    "plan_accept",
    "plan_offer",
    "plan_offer_accept",
    "receipt_send",
    "request_accept",
    "request_acknowledge",
    "request_evidence_response",
    "request_file",
    "request_period_end",
    "request_refuse",
    "request_start_review",
    "request_withdraw",
    "requests_sweep",
]
