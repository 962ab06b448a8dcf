"""Writes noted in a block and done together as it ends.

A batch that does the same write for many items (an outbox row, a notice)
notes each and does them in one go: ``with deferral.block(): ...`` runs the
block, then hands the notes to the deferral's ``flush``; a block that raises
forgets its notes. Inside another block of the same deferral the notes join
the outer one's, so a batch that runs each item in a savepoint of its own
flushes those of the items that succeeded, once. A context variable, so it
is right in threads, in asyncio and in Celery's prefork children.
"""

import contextlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Generic, TypeVar

Note = TypeVar("Note")


class Deferral(Generic[Note]):
    def __init__(self, name: str, flush: Callable[[list[Note]], object]):
        self._notes: ContextVar[list[Note] | None] = ContextVar(name, default=None)
        self._flush = flush

    def note(self, item: Note) -> bool:
        """Note ``item`` if a block is open; returns whether it was."""
        notes = self._notes.get()
        if notes is None:
            return False
        notes.append(item)
        return True

    @contextlib.contextmanager
    def block(self):
        outer = self._notes.get()
        notes: list[Note] = []
        token = self._notes.set(notes)
        try:
            yield
        finally:
            self._notes.reset(token)
        if outer is not None:
            outer.extend(notes)
        elif notes:
            self._flush(notes)
