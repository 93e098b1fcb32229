"""After-commit listeners for case-record events, so other apps (letters, reporting) react to
the lifecycle without the complaint services knowing about them.

A listener runs only once the change it reacts to is committed, in its own transaction:
if it fails, the complaint and its record are already safe (Django logs the failure).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from putright.complaints.models import CaseEvent
from putright.core.listeners import Listeners

Listener = Callable[[CaseEvent], None]
_listeners: Listeners[tuple[str, Listener]] = Listeners()
_recorders: Listeners[tuple[str, Listener]] = Listeners()
_replaying: ContextVar[bool] = ContextVar("replaying_history", default=False)


def subscribe(prefix: str) -> Callable[[Listener], Listener]:
    """Register `fn` for events whose code starts with `prefix` ("" for all)."""

    def register(fn: Listener) -> Listener:
        _listeners.add((prefix, fn))
        return fn

    return register


def record_with(prefix: str) -> Callable[[Listener], Listener]:
    """Register `fn` to run inside the event's own transaction (the transactional outbox).

    Only for writing a small row that must exist exactly when the event does (a letter
    request, say); the work itself belongs in an after-commit listener or a task.
    """

    def register(fn: Listener) -> Listener:
        _recorders.add((prefix, fn))
        return fn

    return register


@contextmanager
def replaying_history() -> Iterator[None]:
    """Record events without calling listeners: history imported from another system already
    happened (its letters went out from that system), and 100k rows must not queue 500k
    callbacks."""
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


def is_replaying() -> bool:
    """True while history from another system is being replayed (imports, demo seeding)."""
    return _replaying.get()


def publish(event: CaseEvent) -> None:
    """Call the listeners for `event` after the surrounding transaction commits."""
    if _replaying.get():
        return
    for prefix, fn in _recorders:
        if event.code.startswith(prefix):
            fn(event)
    for prefix, fn in _listeners:
        if event.code.startswith(prefix):
            transaction.on_commit(lambda fn=fn: _run(fn, event), robust=True)


def _run(fn: Listener, event: CaseEvent) -> None:
    # robust=True above: a failing listener is logged by Django and never undoes the change.
    with transaction.atomic():
        fn(event)
