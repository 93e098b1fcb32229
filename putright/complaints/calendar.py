"""The landlord's working calendar in time: bank holidays plus the closures set in PutRight,
each with the day it was decided and (if so) withdrawn."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from putright.complaints.models import NonWorkingDay
from putright.core.clock import today
from putright.rules.calendar import CalendarHistory, Closure, WorkingCalendar

_pinned: ContextVar[CalendarHistory | None] = ContextVar("pinned_calendar", default=None)


def landlord_history() -> CalendarHistory:
    """Every closure ever recorded, withdrawn ones too: a settled result keeps the calendar
    it was counted with."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    closures = tuple(
        Closure(day=day, reason=reason, decided_on=decided_on, withdrawn_on=withdrawn_on)
        for day, reason, decided_on, withdrawn_on in NonWorkingDay.objects.values_list(
            "day", "reason", "decided_on", "withdrawn_on"
        )
    )
    return CalendarHistory.england_and_wales(closures=closures)


def landlord_calendar() -> WorkingCalendar:
    """The calendar as it stands today, for counting that starts now (surveys, pass-on)."""
    return landlord_history().as_of(today())


@contextmanager
def calendar_pinned() -> Iterator[CalendarHistory]:
    """Read the calendar once for a batch of service calls (an import of 100k complaints)
    instead of once per call; closures cannot change mid-batch inside one transaction."""
    history = landlord_history()
    token = _pinned.set(history)
    try:
        yield history
    finally:
        _pinned.reset(token)
