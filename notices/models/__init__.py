"""The notices app's models, one module per concept; importers keep using
``notices.models``."""

from .deliveries import NoticeAttempt, NoticeDelivery
from .measure_state import MeasureNoticeState
from .notice import Notice
from .rules import NoticeRule, StageNoticeRule
from .templates import NoticeTemplate

__all__ = [
    "MeasureNoticeState",
    "Notice",
    "NoticeAttempt",
    "NoticeDelivery",
    "NoticeRule",
    "NoticeTemplate",
    "StageNoticeRule",
]
