"""Deadlines in working days, their status on a given day, extensions and time limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from putright.rules.calendar import (
    ClosedDay,
    WorkingCalendar,
    add_working_days,
    closures_between,
    working_days_between,
)

__all__ = [
    "EXTENSION_NOT_LATER",
    "ClockStatus",
    "Deadline",
    "ExtensionCheck",
    "Timeliness",
    "add_months",
    "check_extension",
    "deadline",
    "pass_on_delay",
    "within_time_limit",
]

EXTENSION_NOT_LATER = "The new date must be later than the current due date."


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


class Timeliness(StrEnum):
    """How a finished step compares with its original and extended due dates."""

    ORIGINAL = "within_original"
    EXTENDED = "within_extension"
    BEYOND_CAP = "within_extension_beyond_cap"
    LATE = "late"


@dataclass(frozen=True)
class Deadline:
    """One clock on one day. `due` is the extended due date if extended, else the original."""

    starts: date | None
    limit: int
    original_due: date | None
    due: date | None
    done_on: date | None
    status: ClockStatus
    working_days_left: int | None
    timeliness: Timeliness | None
    closures: tuple[ClosedDay, ...]


def deadline(
    *,
    starts: date | None,
    limit: int,
    done_on: date | None,
    today: date,
    calendar: WorkingCalendar,
    due_soon: int,
    extended_due: date | None = None,
    cap_due: date | None = None,
) -> Deadline:
    """Where a clock stands on `today`.

    `cap_due` is the latest extended date allowed without a good reason (Code 6.4 / 6.15);
    without it an extension is never reported as beyond the cap.
    """
    if starts is None:
        return Deadline(
            starts=None,
            limit=limit,
            original_due=None,
            due=None,
            done_on=done_on,
            status=ClockStatus.NOT_STARTED,
            working_days_left=None,
            timeliness=None,
            closures=(),
        )
    original_due = add_working_days(starts, limit, calendar=calendar)
    due = extended_due if extended_due is not None else original_due
    closures = closures_between(starts, due, calendar=calendar)
    if done_on is not None:
        return Deadline(
            starts=starts,
            limit=limit,
            original_due=original_due,
            due=due,
            done_on=done_on,
            status=ClockStatus.MET if done_on <= due else ClockStatus.MISSED,
            working_days_left=None,
            timeliness=_timeliness(done_on, original_due, due, cap_due),
            closures=closures,
        )
    if today > due:
        status = ClockStatus.OVERDUE
        # A weekend just after a Friday deadline is still overdue, so never report 0.
        left = min(working_days_between(today, due, calendar=calendar), -1)
    else:
        left = working_days_between(today, due, calendar=calendar)
        status = ClockStatus.DUE_SOON if left <= due_soon else ClockStatus.ON_TRACK
    return Deadline(
        starts=starts,
        limit=limit,
        original_due=original_due,
        due=due,
        done_on=None,
        status=status,
        working_days_left=left,
        timeliness=None,
        closures=closures,
    )


def _timeliness(done_on: date, original_due: date, due: date, cap_due: date | None) -> Timeliness:
    if done_on <= original_due:
        return Timeliness.ORIGINAL
    if done_on > due:
        return Timeliness.LATE
    if cap_due is not None and due > cap_due:
        return Timeliness.BEYOND_CAP
    return Timeliness.EXTENDED


@dataclass(frozen=True)
class ExtensionCheck:
    """An extension measured from the ORIGINAL due date against the Code's cap."""

    working_days: int
    cap: int
    cap_due: date
    within_cap: bool


def check_extension(
    *,
    original_due: date,
    current_due: date,
    new_due: date,
    cap: int,
    calendar: WorkingCalendar,
) -> ExtensionCheck:
    """Check a proposed new due date; beyond the cap needs a recorded good reason (6.4/6.15)."""
    if new_due <= current_due:
        raise ValueError(EXTENSION_NOT_LATER)
    cap_due = add_working_days(original_due, cap, calendar=calendar)
    return ExtensionCheck(
        working_days=working_days_between(original_due, new_due, calendar=calendar),
        cap=cap,
        cap_due=cap_due,
        within_cap=new_due <= cap_due,
    )


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_months(day: date, months: int) -> date:
    """Calendar months later (or earlier), clamping to the month's end: 31 Jan + 1 → 28/29 Feb."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def within_time_limit(
    *, issue_date: date | None, became_aware: date | None, received: date, months: int
) -> bool:
    """Code 2.3: received within `months` of the later of the issue and becoming aware of it.

    With neither date known the answer is True: not knowing is not a ground to exclude.
    """
    known = [d for d in (issue_date, became_aware) if d is not None]
    if not known:
        return True
    return received <= add_months(max(known), months)


def pass_on_delay(*, heard_on: date, logged_on: date, calendar: WorkingCalendar) -> int:
    """Working days from any staff member or contractor hearing a complaint to it being logged.

    More than the profile's `pass_on_working_days` (1, policy 5.1) is a breach.
    """
    return working_days_between(heard_on, logged_on, calendar=calendar)
