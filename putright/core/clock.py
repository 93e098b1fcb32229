"""The one place PutRight asks what day and time it is (UK local time, from settings.TIME_ZONE)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_today: ContextVar[date | None] = ContextVar("today_pinned", default=None)


def today() -> date:
    """Today's date where the landlord is: every Code clock counts from local dates."""
    pinned = _today.get()
    return pinned if pinned is not None else timezone.localdate()


@contextmanager
def today_pinned(day: date) -> Iterator[date]:
    """`today()` is `day` inside this block: an import of history asks for one day for all its
    rows (the day it checked the file against), not once for each step of each row."""
    token = _today.set(day)
    try:
        yield day
    finally:
        _today.reset(token)


def now() -> datetime:
    """The current moment, timezone-aware."""
    return timezone.now()
