"""The landlord's working calendar: bank holidays plus the closures set in the admin."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from putright.complaints.models import NonWorkingDay
from putright.rules.calendar import WorkingCalendar

_pinned: ContextVar[WorkingCalendar | None] = ContextVar("pinned_calendar", default=None)


def landlord_calendar() -> WorkingCalendar:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    closures = dict(NonWorkingDay.objects.values_list("day", "reason"))
    return WorkingCalendar.england_and_wales(extra_closures=closures)


@contextmanager
def calendar_pinned() -> Iterator[WorkingCalendar]:
    """Read the calendar once for a batch of service calls (an import of 100k complaints)
    instead of once per call; closures cannot change mid-batch inside one transaction."""
    calendar = landlord_calendar()
    token = _pinned.set(calendar)
    try:
        yield calendar
    finally:
        _pinned.reset(token)
