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

A kind whose rows are cheaper to deliver together registers a batch handler
(:func:`batch_handler`): it takes the claimed rows of one kind and returns,
in their order, each row's result or the exception that row failed with (one
row's failure must not undo the others'). A kind registered with ``gather``
(routing) has each of its tasks take along the other rows of the kind that
are due and free, so a burst is delivered a batch to a task.
"""

from collections.abc import Callable

Handler = Callable[["Obligation"], str | None]  # noqa: F821
BatchHandler = Callable[[list["Obligation"]], list["str | None | Exception"]]  # noqa: F821

# Served by its own worker pool (README, Production); every other kind uses
# Celery's default queue.
WEBHOOKS_QUEUE = "webhooks"

_registry: dict[str, Handler] = {}
_batches: dict[str, BatchHandler] = {}
_gathered: set[str] = set()
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


def batch_handler(kind: str, *, queue: str | None = None, gather: bool = False):
    """Register a batch handler; the kind's single handler is the batch of
    one, so a row is delivered by the same code alone or with others."""

    def register(function: BatchHandler) -> BatchHandler:
        if _batches.get(kind) is function:
            return function

        def single(obligation):
            (outcome,) = function([obligation])
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        handler(kind, queue=queue)(single)
        _batches[kind] = function
        if gather:
            _gathered.add(kind)
        return function

    return register


def batch_handler_for(kind: str) -> BatchHandler | None:
    return _batches.get(kind)


def gathers(kind: str) -> bool:
    """Whether a task for one row of ``kind`` takes along the others due."""
    return kind in _gathered


def handler_for(kind: str) -> Handler:
    try:
        return _registry[kind]
    except KeyError:
        raise PermanentError(f"No handler is registered for {kind!r}.") from None


def queue_for(kind: str) -> str | None:
    """The Celery queue of the kind's tasks; None for the default queue."""
    return _queues.get(kind)
