"""The registry of delivery handlers, one per obligation kind.

A handler takes the locked :class:`~outbox.models.Obligation` and does the
work. It returns a short result to keep (a provider's message id) or raises
:class:`TransientError` (retry later with backoff) or :class:`PermanentError`
(give up and show staff). Apps register their handlers in ``AppConfig.ready``
by importing a module that uses :func:`handler`.
"""

from collections.abc import Callable

Handler = Callable[["Obligation"], str | None]  # noqa: F821

_registry: dict[str, Handler] = {}


class TransientError(Exception):
    """The outside party failed in a way that may pass (timeout, 5xx)."""


class PermanentError(Exception):
    """Retrying cannot help (no address, rejected by the provider)."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if kind in _registry and _registry[kind] is not function:
            raise ValueError(f"An outbox handler for {kind!r} is already registered.")
        _registry[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler:
    try:
        return _registry[kind]
    except KeyError:
        raise PermanentError(f"No handler is registered for {kind!r}.") from None
