"""Each stage's clocks, computed from the record by the Code's rules."""

from dataclasses import dataclass
from datetime import date

from putright.complaints.models import Stage
from putright.rules.calendar import WorkingCalendar, add_working_days
from putright.rules.clocks import ClockStatus, Deadline, deadline
from putright.rules.profile import CodeProfile
from putright.rules.workflow import OPEN_STATES, State


@dataclass(frozen=True)
class StageClocks:
    number: int
    acknowledgement: Deadline
    response: Deadline
    extended: bool
    # False once the complaint was closed, withdrawn or not accepted: an unfinished clock
    # then stopped rather than ran out.
    running: bool

    @property
    def current(self) -> Deadline:
        """The deadline that matters now: acknowledgement until done, then the response."""
        if self.acknowledgement.done_on is None:
            return self.acknowledgement
        return self.response

    @property
    def stopped(self) -> bool:
        return not self.running and self.current.done_on is None


def stage_clocks(
    stage: Stage, *, state: State, on: date, calendar: WorkingCalendar, profile: CodeProfile
) -> StageClocks:
    rule = profile.stage(stage.number)
    soon = profile.due_soon_working_days
    running = state in OPEN_STATES
    # A stopped clock is measured on the day it stopped, so it neither ticks on nor goes overdue.
    measured_on = on if running else min(on, stage.complaint.closed_on or on)
    ack = deadline(
        starts=stage.requested_on,
        limit=rule.ack_limit,
        done_on=stage.acknowledged_on,
        today=measured_on,
        calendar=calendar,
        due_soon=soon,
    )
    cap_due = (
        add_working_days(stage.response_due_original, rule.extension_cap, calendar=calendar)
        if stage.response_due_original
        else None
    )
    response = deadline(
        starts=stage.acknowledged_on,
        limit=rule.response_limit,
        done_on=stage.responded_on,
        today=measured_on,
        calendar=calendar,
        due_soon=soon,
        extended_due=stage.response_due if stage.is_extended else None,
        cap_due=cap_due,
    )
    return StageClocks(
        number=stage.number,
        acknowledgement=ack,
        response=response,
        extended=stage.is_extended,
        running=running,
    )


__all__ = ["ClockStatus", "StageClocks", "stage_clocks"]
