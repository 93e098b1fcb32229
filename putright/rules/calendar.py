"""Working days: Monday to Friday, less England & Wales bank holidays and landlord closures.

Counting follows the Code: "N working days after" a date does not count that date, and a
weekend or holiday start simply means counting begins at the next working day. Counting is
arithmetic on weekdays plus a per-year sorted list of closed weekdays, so long spans are cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from threading import RLock
from typing import Literal

import holidays

__all__ = [
    "CalendarHistory",
    "ClosedDay",
    "Closure",
    "WorkingCalendar",
    "add_working_days",
    "closures_between",
    "working_days_between",
]

_SATURDAY = 5
_FILLING = RLock()


@dataclass(frozen=True)
class ClosedDay:
    """A weekday that is not a working day, and so moves any deadline that spans it."""

    day: date
    reason: str
    kind: Literal["bank_holiday", "landlord"]


class WorkingCalendar:
    """Which weekdays are closed: bank holidays first, then the landlord's own closures."""

    def __init__(
        self,
        *,
        bank_holidays: Mapping[date, str] | holidays.HolidayBase,
        extra_closures: Mapping[date, str] | None = None,
    ) -> None:
        self._bank_holidays = bank_holidays
        self._extra_closures: dict[date, str] = dict(extra_closures or {})
        self._closed_by_year: dict[int, dict[date, ClosedDay]] = {}
        self._sorted_by_year: dict[int, tuple[date, ...]] = {}

    @classmethod
    def england_and_wales(
        cls, *, extra_closures: Mapping[date, str] | None = None
    ) -> WorkingCalendar:
        """Bank holidays in England & Wales (substitute days and one-off days included)."""
        # The typed factory for holidays.UnitedKingdom(subdiv="ENG"): England and Wales share one
        # list. It fills in any year on first use (expand=True), so no year range is fixed.
        return cls(
            bank_holidays=holidays.country_holidays("GB", subdiv="ENG"),
            extra_closures=extra_closures,
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and day not in self._closed_in_year(day.year)

    def closed_day(self, day: date) -> ClosedDay | None:
        """The closure for a closed weekday; None for working days and weekends."""
        if day.weekday() >= _SATURDAY:
            return None
        return self._closed_in_year(day.year).get(day)

    def closed_weekdays_in_year(self, year: int) -> tuple[date, ...]:
        """Closed weekdays of one year, in order."""
        if year not in self._sorted_by_year:
            self._sorted_by_year[year] = tuple(sorted(self._closed_in_year(year)))
        return self._sorted_by_year[year]

    def _closed_in_year(self, year: int) -> dict[date, ClosedDay]:
        closed = self._closed_by_year.get(year)
        if closed is None:
            # A calendar may be shared by threads (complaints.calendar keeps the ones built),
            # and filling a year in adds to the bank holidays another thread may be reading.
            with _FILLING:
                closed = self._closed_by_year.get(year)
                if closed is None:
                    closed = self._build_year(year)
                    self._closed_by_year[year] = closed
        return closed

    def _build_year(self, year: int) -> dict[date, ClosedDay]:
        closed: dict[date, ClosedDay] = {}
        source = self._bank_holidays
        if isinstance(source, holidays.HolidayBase):
            # A membership test makes an expanding HolidayBase populate that year.
            _ = date(year, 1, 1) in source
        for day, name in source.items():
            if day.year == year and day.weekday() < _SATURDAY:
                closed[day] = ClosedDay(day=day, reason=str(name), kind="bank_holiday")
        for day, reason in self._extra_closures.items():
            # A bank holiday stays a bank holiday even if the landlord also lists it.
            if day.year == year and day.weekday() < _SATURDAY and day not in closed:
                closed[day] = ClosedDay(day=day, reason=reason, kind="landlord")
        return closed

    def count_closed_between(self, start: date, end: date) -> int:
        """Closed weekdays d with start < d <= end (0 when end <= start)."""
        if end <= start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            days = self.closed_weekdays_in_year(year)
            low = bisect_right(days, start) if year == start.year else 0
            high = bisect_right(days, end) if year == end.year else len(days)
            total += high - low
        return total


def _weekday_index(day: date) -> int:
    """Weekdays in (epoch, day], where date.fromordinal(1) is a Monday."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


def _nth_weekday_after(start: date, n: int) -> date:
    """The n-th weekday strictly after start (n >= 1)."""
    weeks, rest = divmod(_weekday_index(start) + n - 1, 5)
    return date.fromordinal(weeks * 7 + rest + 1)


def add_working_days(start: date, days: int, *, calendar: WorkingCalendar) -> date:
    """The date that is `days` working days after `start`; `start` itself is never counted."""
    if days < 0:
        raise ValueError("The number of working days must not be negative.")
    result = start
    remaining = days
    while remaining:
        candidate = _nth_weekday_after(result, remaining)
        # Each closed weekday passed over pushes the date one more weekday on.
        remaining = calendar.count_closed_between(result, candidate)
        result = candidate
    return result


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar) -> int:
    """Working days d with start < d <= end; the negative of the mirror count when end < start."""
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    weekdays = _weekday_index(end) - _weekday_index(start)
    return weekdays - calendar.count_closed_between(start, end)


def closures_between(start: date, end: date, *, calendar: WorkingCalendar) -> tuple[ClosedDay, ...]:
    """Bank holidays and landlord closures on weekdays d with start < d <= end, in order."""
    if end <= start:
        return ()
    found: list[ClosedDay] = []
    for year in range(start.year, end.year + 1):
        days = calendar.closed_weekdays_in_year(year)
        low = bisect_right(days, start) if year == start.year else 0
        high = bisect_right(days, end) if year == end.year else len(days)
        for day in days[low:high]:
            closed = calendar.closed_day(day)
            if closed is not None:
                found.append(closed)
    return tuple(found)


@dataclass(frozen=True)
class Closure:
    """A landlord closure in time: the day closed, when it was decided and (if so) withdrawn.

    A deadline is counted with the closures in force on the day its result settled (a closure
    recorded on that day counts), so a closure decided (or withdrawn) on a later day never
    changes a result already settled.
    """

    day: date
    reason: str
    decided_on: date
    withdrawn_on: date | None = None

    def in_force_on(self, on: date) -> bool:
        return self.decided_on <= on and (self.withdrawn_on is None or on < self.withdrawn_on)


class CalendarHistory:
    """The landlord's working calendar as it stood on any day.

    Closures change rarely, so the days on which they change split time into a few spans;
    one WorkingCalendar is built per span and shared by every deadline settled in it.
    """

    def __init__(
        self,
        *,
        bank_holidays: Mapping[date, str] | holidays.HolidayBase,
        closures: tuple[Closure, ...] = (),
    ) -> None:
        self._bank_holidays = bank_holidays
        self.closures = tuple(sorted(closures, key=lambda c: (c.day, c.decided_on)))
        changes = {c.decided_on for c in self.closures} | {
            c.withdrawn_on for c in self.closures if c.withdrawn_on is not None
        }
        self._changes: tuple[date, ...] = tuple(sorted(changes))
        self._by_span: dict[int, WorkingCalendar] = {}

    @classmethod
    def england_and_wales(cls, *, closures: tuple[Closure, ...] = ()) -> CalendarHistory:
        return cls(bank_holidays=holidays.country_holidays("GB", subdiv="ENG"), closures=closures)

    def as_of(self, on: date) -> WorkingCalendar:
        """Bank holidays plus the landlord closures in force on `on`."""
        span = bisect_right(self._changes, on)
        calendar = self._by_span.get(span)
        if calendar is None:
            calendar = WorkingCalendar(
                bank_holidays=self._bank_holidays,
                extra_closures={c.day: c.reason for c in self.closures if c.in_force_on(on)},
            )
            self._by_span[span] = calendar
        return calendar
