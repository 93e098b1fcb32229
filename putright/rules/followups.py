"""Where a remedy or outstanding action stands, in words (Code 6.6, 6.17, 7.3).

Pure: the calendar and today are passed in. Overdue is counted in working days, as every other
clock in the Code is, so a promise due on Friday is one working day overdue on Monday.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from putright.rules.calendar import WorkingCalendar, working_days_between


class Standing(StrEnum):
    """How a follow-up stands today."""

    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"


@dataclass(frozen=True)
class FollowUpStanding:
    """A follow-up's standing and the working days that explain it (late or left)."""

    standing: Standing
    working_days: int  # left before the due date (due, due soon), or past it (overdue, late)

    @property
    def words(self) -> str:
        n = self.working_days
        days = f"{n} working day{'s' if n != 1 else ''}"
        if self.standing is Standing.OVERDUE:
            return f"Overdue by {days}"
        if self.standing is Standing.DONE_LATE:
            return f"Done late (by {days})"
        if self.standing is Standing.DONE_ON_TIME:
            return "Done on time"
        if n == 0:
            return "Due today"
        return f"Due soon: {days} left" if self.standing is Standing.DUE_SOON else f"Due in {days}"


def follow_up_standing(
    *,
    due_on: date,
    completed_on: date | None,
    today: date,
    calendar: WorkingCalendar,
    due_soon: int,
) -> FollowUpStanding:
    """Done on time or late once completed; otherwise due, due soon or overdue by N working days."""
    if completed_on is not None:
        if completed_on <= due_on:
            return FollowUpStanding(Standing.DONE_ON_TIME, 0)
        late = max(working_days_between(due_on, completed_on, calendar=calendar), 1)
        return FollowUpStanding(Standing.DONE_LATE, late)
    if today > due_on:
        # Due on a Friday, looked at on Saturday: still overdue, by at least one day.
        late = max(working_days_between(due_on, today, calendar=calendar), 1)
        return FollowUpStanding(Standing.OVERDUE, late)
    left = working_days_between(today, due_on, calendar=calendar)
    return FollowUpStanding(Standing.DUE_SOON if left <= due_soon else Standing.DUE, left)
