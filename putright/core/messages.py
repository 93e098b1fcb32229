"""One door out: how apps below the letters app send a message to a resident or to staff.

Receipts (intake), sign-in links (portal) and reminders to staff are queued through the
letters outbox like letters: after commit, once per key, through GOV.UK Notify when
configured, and filed in the case record when they concern a complaint (Code 5.12). The
letters app registers the sender when it loads, so `core` imports no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The kinds of message (the letters app's MessageKind).
RECEIPT = "receipt"
SIGN_IN = "sign_in"
STAFF_REMINDER = "staff_reminder"


@dataclass(frozen=True)
class OutgoingMessage:
    """A plain email to one person. `key` makes it once-only (e.g. "receipt:complaint:12")."""

    kind: str
    to: str
    name: str
    subject: str
    body: str
    key: str
    complaint: Any = None
    resident: Any = None
    role: str = "resident"
    # Kept instead of the body once sent (a sign-in link must not outlive its email).
    body_after_sending: str = ""


Sender = Callable[[OutgoingMessage], Any]
_sender: list[Sender] = []


def register_sender(fn: Sender) -> None:
    _sender[:] = [fn]


def queue_message(message: OutgoingMessage) -> Any:
    """Queue `message` in the outbox, in the caller's transaction; sent after commit."""
    if not _sender:
        raise ImproperlyConfigured("No outbox is registered: install putright.letters.")
    return _sender[0](message)
