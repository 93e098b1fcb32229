"""The landlord's working calendar in time: bank holidays plus the closures set in PutRight,
each with the day it was decided and (if so) withdrawn."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from threading import Lock
from typing import Any

from django.db.models import F

from putright.complaints.models import NonWorkingDay
from putright.core.clock import today
from putright.core.jsonrows import JSONRows
from putright.rules.calendar import CalendarHistory, Closure, WorkingCalendar

_pinned: ContextVar[CalendarHistory | None] = ContextVar("pinned_calendar", default=None)


def landlord_history() -> CalendarHistory:
    """Every closure ever recorded, withdrawn ones too: a settled result keeps the calendar
    it was counted with."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    return _history(NonWorkingDay.objects.order_by().values_list(*_CLOSURE_FIELDS))  # sorted there


_CLOSURE_FIELDS = ("day", "reason", "decided_on", "withdrawn_on")


# The calendars built in this process, by the closures they were built from. Every caller
# still reads the closures (one small query, or `closure_rows` inside another), so the rows
# read are the one truth: the same rows find the calendar already built, with the bank-holiday
# years and spans it has worked out (building them was a sixth of an API create's CPU), and
# any change to a closure (added, withdrawn, its reason edited; in any process) is a new key,
# so it is seen by the very next read. Bank holidays come from the `holidays` package, fixed
# for the life of the process. A few are kept: a page reading one and an import another.
_BUILT: dict[tuple[Closure, ...], CalendarHistory] = {}
_BUILT_KEPT = 8
_BUILDING = Lock()


def _closure_order(closure: Closure) -> tuple[date, date, bool, date, str]:
    return (
        closure.day,
        closure.decided_on,
        closure.withdrawn_on is None,
        closure.withdrawn_on or closure.day,
        closure.reason,
    )


def _history(rows: Iterable[tuple[date, str, date, date | None]]) -> CalendarHistory:
    closures = tuple(
        sorted(
            (
                Closure(day=day, reason=reason, decided_on=decided_on, withdrawn_on=withdrawn_on)
                for day, reason, decided_on, withdrawn_on in rows
            ),
            key=_closure_order,
        )
    )
    history = _BUILT.get(closures)
    if history is None:
        with _BUILDING:
            history = _BUILT.get(closures)
            if history is None:
                history = CalendarHistory.england_and_wales(closures=closures)
                while len(_BUILT) >= _BUILT_KEPT:
                    del _BUILT[next(iter(_BUILT))]  # the oldest
                _BUILT[closures] = history
    return history


def closure_rows() -> JSONRows:
    """The closures as an expression another query can carry (``core.jsonrows``), so a page
    that needs the calendar and a complaint reads both in one query (`history_from_rows`)."""
    names = [f"c{i}" for i in range(len(_CLOSURE_FIELDS))]
    values = NonWorkingDay.objects.order_by("day").values(
        **{n: F(f) for n, f in zip(names, _CLOSURE_FIELDS, strict=True)}
    )
    return JSONRows(values, names)


def history_from_rows(rows: list[list[Any]]) -> CalendarHistory:
    """The calendar from `closure_rows`' rows: the same as `landlord_history()` read then."""
    return _history(
        (date.fromisoformat(d), r, date.fromisoformat(dec), w and date.fromisoformat(w))
        for d, r, dec, w in rows
    )


def landlord_calendar() -> WorkingCalendar:
    """The calendar as it stands today, for counting that starts now (surveys, pass-on)."""
    return landlord_history().as_of(today())


@contextmanager
def calendar_pinned(history: CalendarHistory | None = None) -> Iterator[CalendarHistory]:
    """Read the calendar once for a batch of service calls (an import of 100k complaints),
    or one page, instead of once per call; closures cannot change mid-batch inside one
    transaction. `history`: the calendar already read (e.g. with ``closure_rows``)."""
    history = landlord_history() if history is None else history
    token = _pinned.set(history)
    try:
        yield history
    finally:
        _pinned.reset(token)
