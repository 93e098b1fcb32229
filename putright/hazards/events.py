"""After-commit listeners for the steps of a hazard report that is not linked to a complaint.

A report linked to a complaint writes each step to the case record (``hazard.*`` events), and
the apps above hear it there. A report raised from a service request, an intake item or
directly has no case record, so its steps are published here instead, with the same codes;
the letters app (above hazards) listens for ``hazard.summary_sent`` and sends the written
summary to the resident on the report. Replayed history (an import) publishes nothing.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from putright.complaints.events import is_replaying
from putright.core.listeners import Listeners

if TYPE_CHECKING:
    from putright.hazards.models import HazardStep

Listener = Callable[["HazardStep"], None]
_listeners: Listeners[tuple[str, Listener]] = Listeners()


def subscribe(code: str) -> Callable[[Listener], Listener]:
    """Register `fn(step)` for steps of unlinked reports whose code is `code`."""

    def register(fn: Listener) -> Listener:
        _listeners.add((code, fn))
        return fn

    return register


def publish(code: str, step: "HazardStep") -> None:
    """Call the listeners for `code` after the surrounding transaction commits."""
    if is_replaying():
        return
    for wanted, fn in _listeners:
        if wanted == code:
            transaction.on_commit(lambda fn=fn: fn(step), robust=True)
