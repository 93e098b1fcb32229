"""Deadlines in working days, their status on a given day, extensions and time limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from putright.rules.calendar import (
    CalendarHistory,
    ClosedDay,
    WorkingCalendar,
    add_working_days,
    closures_between,
    working_days_between,
)

__all__ = [
    "DUE_NOT_WORKING_DAY",
    "EXTENSION_NOT_LATER",
    "WITHIN_CODE_TIMESCALES",
    "AgreedExtension",
    "ClockStatus",
    "Deadline",
    "ExtensionCheck",
    "Timeliness",
    "UpdateClock",
    "acknowledgement_deadline",
    "add_months",
    "pass_on_delay",
    "propose_extension",
    "response_deadline",
    "update_clock",
    "update_due",
    "within_time_limit",
]

EXTENSION_NOT_LATER = "The new date must be later than the current due date."
# Clocks worked out and kept, by every argument (the calendar history by identity: it does not
# change once built). A stage's clocks are asked for again at each step of its lifecycle with
# mostly the same dates (an import of history: about four times a row, a fifth of its work),
# and the results are frozen, so the same Deadline can be handed out again.
CLOCKS_KEPT = 8192
DUE_NOT_WORKING_DAY = "The new date is not a working day: choose a weekday that is not closed."


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
    # Within an extension, and by the Code's cap (Code 6.4 / 6.15).
    EXTENDED = "within_extension"
    # Within an extension beyond the cap, with a good reason recorded: the Code caps extensions
    # only "without good reason" (6.4 / 6.15), so this is within the Code's timescales.
    EXTENDED_GOOD_REASON = "within_extension_good_reason"
    # Within an extension beyond the cap with no good reason recorded: outside the timescales.
    BEYOND_CAP = "within_extension_beyond_cap"
    LATE = "late"


# Within the Code's timescales (TSM CH02, Code 6.3-6.4, 6.14-6.15).
WITHIN_CODE_TIMESCALES = frozenset(
    {Timeliness.ORIGINAL, Timeliness.EXTENDED, Timeliness.EXTENDED_GOOD_REASON}
)


@dataclass(frozen=True)
class AgreedExtension:
    """An extension as recorded: the day it was agreed, the new date, and any good reason."""

    agreed_on: date
    new_due: date
    good_reason: bool = False


@dataclass(frozen=True)
class ExtensionCheck:
    """One extension measured from the ORIGINAL due date against the Code's cap, with the
    calendar as it stood on the day the extension was agreed."""

    agreed_on: date
    new_due: date
    working_days: int
    cap: int
    cap_due: date
    within_cap: bool
    good_reason: bool
    new_due_is_working_day: bool


@dataclass(frozen=True)
class Deadline:
    """One clock: its due dates, cap and status. `due` is the extended date if extended.

    `settled_on` is the day whose calendar counted the original due date: the day the step was
    done, the clock stopped or was first extended, or, while it still runs, today.
    """

    starts: date | None
    limit: int
    original_due: date | None
    due: date | None
    done_on: date | None
    status: ClockStatus
    working_days_left: int | None
    timeliness: Timeliness | None
    closures: tuple[ClosedDay, ...]
    cap: int | None = None
    cap_due: date | None = None
    extensions: tuple[ExtensionCheck, ...] = ()
    settled_on: date | None = None
    due_is_working_day: bool = True

    @property
    def extended(self) -> bool:
        return bool(self.extensions)


def _not_started(limit: int, done_on: date | None, cap: int | None) -> Deadline:
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
        cap=cap,
    )


def _countdown(
    due: date, today: date, calendar: WorkingCalendar, due_soon: int
) -> tuple[ClockStatus, int]:
    if today > due:
        # A weekend just after a Friday deadline is still overdue, so never report 0.
        return ClockStatus.OVERDUE, min(working_days_between(today, due, calendar=calendar), -1)
    left = working_days_between(today, due, calendar=calendar)
    return (ClockStatus.DUE_SOON if left <= due_soon else ClockStatus.ON_TRACK), left


def _measured_on(today: date, stopped_on: date | None) -> date:
    # A stopped clock is measured on the day it stopped, so it neither ticks on nor goes overdue.
    return today if stopped_on is None else min(today, stopped_on)


def acknowledgement_deadline(
    *,
    requested_on: date | None,
    limit: int,
    acknowledged_on: date | None,
    today: date,
    history: CalendarHistory,
    due_soon: int,
    stopped_on: date | None = None,
) -> Deadline:
    """Acknowledge, define and log: `limit` working days after the request (Code 6.2 / 6.11)."""
    return _acknowledgement_deadline(
        requested_on, limit, acknowledged_on, today, history, due_soon, stopped_on
    )


@lru_cache(maxsize=CLOCKS_KEPT)
def _acknowledgement_deadline(
    requested_on: date | None,
    limit: int,
    acknowledged_on: date | None,
    today: date,
    history: CalendarHistory,
    due_soon: int,
    stopped_on: date | None,
) -> Deadline:
    if requested_on is None:
        return _not_started(limit, acknowledged_on, None)
    measured_on = _measured_on(today, stopped_on)
    settled_on = acknowledged_on if acknowledged_on is not None else measured_on
    calendar = history.as_of(settled_on)
    due = add_working_days(requested_on, limit, calendar=calendar)
    closures = closures_between(requested_on, due, calendar=calendar)
    if acknowledged_on is not None:
        met = acknowledged_on <= due
        return Deadline(
            starts=requested_on,
            limit=limit,
            original_due=due,
            due=due,
            done_on=acknowledged_on,
            status=ClockStatus.MET if met else ClockStatus.MISSED,
            working_days_left=None,
            timeliness=Timeliness.ORIGINAL if met else Timeliness.LATE,
            closures=closures,
            settled_on=settled_on,
        )
    status, left = _countdown(due, measured_on, history.as_of(measured_on), due_soon)
    return Deadline(
        starts=requested_on,
        limit=limit,
        original_due=due,
        due=due,
        done_on=None,
        status=status,
        working_days_left=left,
        timeliness=None,
        closures=closures,
        settled_on=settled_on,
    )


def response_deadline(
    *,
    acknowledged_on: date | None,
    limit: int,
    cap: int,
    extensions: Sequence[AgreedExtension],
    responded_on: date | None,
    today: date,
    history: CalendarHistory,
    due_soon: int,
    stopped_on: date | None = None,
) -> Deadline:
    """The full response: `limit` working days after acknowledgement (Code 6.3 / 6.14), moved
    by each agreed extension, each measured against `cap` working days past the original due
    date (Code 6.4 / 6.15).

    The original due date is counted with the calendar as it stood when it settled: the first
    extension (which was measured against it), the response, the clock stopping, or today.
    Each extension's cap is counted with the calendar as it stood the day it was agreed.
    """
    return _response_deadline(
        acknowledged_on,
        limit,
        cap,
        tuple(extensions),
        responded_on,
        today,
        history,
        due_soon,
        stopped_on,
    )


@lru_cache(maxsize=CLOCKS_KEPT)
def _response_deadline(
    acknowledged_on: date | None,
    limit: int,
    cap: int,
    extensions: tuple[AgreedExtension, ...],
    responded_on: date | None,
    today: date,
    history: CalendarHistory,
    due_soon: int,
    stopped_on: date | None,
) -> Deadline:
    if acknowledged_on is None:
        return _not_started(limit, responded_on, cap)
    measured_on = _measured_on(today, stopped_on)
    ends = [d for d in (responded_on, stopped_on) if d is not None]
    if extensions:
        ends.append(extensions[0].agreed_on)
    settled_on = min([measured_on, *ends])
    calendar = history.as_of(settled_on)
    original_due = add_working_days(acknowledged_on, limit, calendar=calendar)
    checks = []
    for extension in extensions:
        agreed = history.as_of(extension.agreed_on)
        cap_due = add_working_days(original_due, cap, calendar=agreed)
        checks.append(
            ExtensionCheck(
                agreed_on=extension.agreed_on,
                new_due=extension.new_due,
                working_days=working_days_between(original_due, extension.new_due, calendar=agreed),
                cap=cap,
                cap_due=cap_due,
                within_cap=extension.new_due <= cap_due,
                good_reason=extension.good_reason,
                new_due_is_working_day=agreed.is_working_day(extension.new_due),
            )
        )
    last = checks[-1] if checks else None
    due = last.new_due if last else original_due
    cap_due = last.cap_due if last else add_working_days(original_due, cap, calendar=calendar)
    closures = closures_between(acknowledged_on, due, calendar=calendar)
    common = {
        "starts": acknowledged_on,
        "limit": limit,
        "original_due": original_due,
        "due": due,
        "closures": closures,
        "cap": cap,
        "cap_due": cap_due,
        "extensions": tuple(checks),
        "settled_on": settled_on,
        "due_is_working_day": last.new_due_is_working_day if last else True,
    }
    if responded_on is not None:
        return Deadline(
            done_on=responded_on,
            status=ClockStatus.MET if responded_on <= due else ClockStatus.MISSED,
            working_days_left=None,
            timeliness=_timeliness(responded_on, original_due, due, last),
            **common,  # type: ignore[arg-type]
        )
    status, left = _countdown(due, measured_on, history.as_of(measured_on), due_soon)
    return Deadline(
        done_on=None,
        status=status,
        working_days_left=left,
        timeliness=None,
        **common,  # type: ignore[arg-type]
    )


def _timeliness(
    done_on: date, original_due: date, due: date, last: ExtensionCheck | None
) -> Timeliness:
    if done_on <= original_due:
        return Timeliness.ORIGINAL
    if done_on > due or last is None:
        return Timeliness.LATE
    if done_on <= last.cap_due:
        return Timeliness.EXTENDED
    return Timeliness.EXTENDED_GOOD_REASON if last.good_reason else Timeliness.BEYOND_CAP


def propose_extension(
    *,
    current: Deadline,
    acknowledged_on: date,
    extensions: Sequence[AgreedExtension],
    proposed: AgreedExtension,
    responded_on: date | None,
    today: date,
    history: CalendarHistory,
    due_soon: int,
) -> ExtensionCheck:
    """A proposed extension measured by `response_deadline` itself, so the preview, the service
    and the import check judge it exactly as the stored dates and reports will.

    ValueError when the new date is not later than the current due date.
    """
    if current.due is None or proposed.new_due <= current.due:
        raise ValueError(EXTENSION_NOT_LATER)
    extended = response_deadline(
        acknowledged_on=acknowledged_on,
        limit=current.limit,
        cap=current.cap or 0,
        extensions=[*extensions, proposed],
        responded_on=responded_on,
        today=today,
        history=history,
        due_soon=due_soon,
    )
    return extended.extensions[-1]


@dataclass(frozen=True)
class UpdateClock:
    """When the resident is next due an update on an extended stage (Code 5.9)."""

    due: date
    status: ClockStatus  # ON_TRACK, DUE_SOON or OVERDUE
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.status is ClockStatus.OVERDUE


def update_due(
    *, last_told_on: date, interval: int | None, calendar: WorkingCalendar
) -> date | None:
    """The day the resident is next owed an update: `interval` working days after they were
    last told (the extension notice, or the last update sent). Code 5.9 asks for the interval
    to be agreed when a response will fall outside the Code's timescales; None without one."""
    if not interval or interval < 1:
        return None
    return add_working_days(last_told_on, interval, calendar=calendar)


def update_clock(
    *, due: date, today: date, calendar: WorkingCalendar, due_soon: int
) -> UpdateClock:
    """Where the next update stands today, counted like every other clock."""
    status, left = _countdown(due, today, calendar, due_soon)
    return UpdateClock(due=due, status=status, working_days_left=left)


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
