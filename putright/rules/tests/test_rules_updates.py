"""The keeping-informed clock (Code 5.9): the next update one agreed interval after the
resident was last told, in working days."""

from datetime import date

from putright.rules.calendar import WorkingCalendar
from putright.rules.clocks import ClockStatus, update_clock, update_due

CAL = WorkingCalendar.england_and_wales()


def test_the_next_update_is_an_interval_of_working_days_after_the_resident_was_last_told() -> None:
    # Told Thursday 2 April 2026; Good Friday and Easter Monday are not working days.
    assert update_due(last_told_on=date(2026, 4, 2), interval=3, calendar=CAL) == date(2026, 4, 9)


def test_no_interval_means_no_update_scheduled() -> None:
    assert update_due(last_told_on=date(2026, 3, 2), interval=None, calendar=CAL) is None
    assert update_due(last_told_on=date(2026, 3, 2), interval=0, calendar=CAL) is None


def test_an_update_past_its_day_is_overdue_and_one_close_to_it_due_soon() -> None:
    due = date(2026, 3, 9)
    late = update_clock(due=due, today=date(2026, 3, 10), calendar=CAL, due_soon=2)
    assert (late.status, late.overdue, late.working_days_left) == (ClockStatus.OVERDUE, True, -1)
    soon = update_clock(due=due, today=date(2026, 3, 5), calendar=CAL, due_soon=2)
    assert (soon.status, soon.working_days_left) == (ClockStatus.DUE_SOON, 2)
    later = update_clock(due=due, today=date(2026, 3, 2), calendar=CAL, due_soon=2)
    assert later.status is ClockStatus.ON_TRACK
