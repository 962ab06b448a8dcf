"""Pluggable SMS sending, in the manner of Django's e-mail backends.

``SMS_BACKEND`` names the class. Console and file backends serve
development; the memory backend serves tests (``notices.sms.outbox``); a
provider's backend subclasses :class:`BaseBackend` and returns the provider's
message id.
"""

import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSError(Exception):
    """Sending failed. ``transient`` tells the caller whether a retry may help."""

    def __init__(self, message: str, *, transient: bool = True):
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SMSMessage:
    to: str
    text: str
    message_id: str
    idempotency_key: str = ""


class BaseBackend:
    def send(self, *, to: str, text: str, idempotency_key: str | None = None) -> str:
        """Send one message and return the provider's message id.

        ``idempotency_key``, when given, is the same on every retry of one
        message: a provider that supports it (most Chinese SMS gateways take
        an ``OutId`` or similar) must not send the message twice, and should
        answer with the first send's message id.
        """
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, idempotency_key: str | None = None) -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        with self._lock:
            sys.stdout.write(f"[SMS to {to} at {timezone.localtime():%H:%M:%S}] {text}\n")
            sys.stdout.flush()
        return message_id


class FileBackend(BaseBackend):
    def send(self, *, to: str, text: str, idempotency_key: str | None = None) -> str:
        message_id = f"file-{uuid.uuid4().hex[:16]}"
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{message_id}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        return message_id


outbox: list[SMSMessage] = []


class MemoryBackend(BaseBackend):
    """Keeps messages in ``outbox``; honours idempotency keys like a provider."""

    def send(self, *, to: str, text: str, idempotency_key: str | None = None) -> str:
        if idempotency_key:
            for message in outbox:
                if message.idempotency_key == idempotency_key:
                    return message.message_id
        message = SMSMessage(
            to=to, text=text, message_id=f"mem-{len(outbox) + 1}", idempotency_key=idempotency_key or ""
        )
        outbox.append(message)
        return message.message_id


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str, idempotency_key: str | None = None) -> str:
    if idempotency_key is None:
        return get_backend().send(to=to, text=text)
    return get_backend().send(to=to, text=text, idempotency_key=idempotency_key)
