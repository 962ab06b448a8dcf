"""The id that follows one piece of work through the logs.

A request gets an id on arrival (``portal.middleware.RequestLogMiddleware``);
the outbox stores it on each obligation the request creates, and a delivery
puts it back while it runs, so a complaint can be followed from the form to
the agency's webhook by one id. A context variable rather than a thread
local: it is right in threads, in asyncio and in Celery's prefork children.
"""

import contextlib
import contextvars
import logging
import uuid

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_current() -> str:
    """The id of the work in progress; empty outside any."""
    return _current.get()


@contextlib.contextmanager
def request_id_scope(request_id: str):
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` (``-`` outside any request or
    delivery), so formatters may always name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current.get() or "-"
        return True
