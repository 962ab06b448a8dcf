"""The registry of delivery handlers, one per obligation kind.

A handler takes the claimed :class:`~outbox.models.Obligation` and does the
work, with no transaction open: it may wait on the outside world without
holding a lock. It returns a short result to keep (a provider's message id)
or raises :class:`TransientError` (retry later with backoff) or
:class:`PermanentError` (give up and show staff). Apps register their
handlers in ``AppConfig.ready`` by importing a module that uses
:func:`handler`.

A handler that talks to servers the platform does not run registers with
``queue=WEBHOOKS_QUEUE``: its tasks then wait only on their own worker pool.
"""

from collections.abc import Callable

Handler = Callable[["Obligation"], str | None]  # noqa: F821

# Served by its own worker pool (README, Production); every other kind uses
# Celery's default queue.
WEBHOOKS_QUEUE = "webhooks"

_registry: dict[str, Handler] = {}
_queues: dict[str, str] = {}


class TransientError(Exception):
    """The outside party failed in a way that may pass (timeout, 5xx)."""


class PermanentError(Exception):
    """Retrying cannot help (no address, rejected by the provider)."""


def handler(kind: str, *, queue: str | None = None) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if kind in _registry and _registry[kind] is not function:
            raise ValueError(f"An outbox handler for {kind!r} is already registered.")
        _registry[kind] = function
        if queue:
            _queues[kind] = queue
        return function

    return register


def handler_for(kind: str) -> Handler:
    try:
        return _registry[kind]
    except KeyError:
        raise PermanentError(f"No handler is registered for {kind!r}.") from None


def queue_for(kind: str) -> str | None:
    """The Celery queue of the kind's tasks; None for the default queue."""
    return _queues.get(kind)
