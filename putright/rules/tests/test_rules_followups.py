from datetime import date

from putright.rules.calendar import WorkingCalendar
from putright.rules.followups import FollowUpStanding, Standing, follow_up_standing

CAL = WorkingCalendar.england_and_wales()
FRIDAY = date(2026, 3, 6)


def standing(due_on: date, today: date, completed_on: date | None = None) -> FollowUpStanding:
    return follow_up_standing(
        due_on=due_on, completed_on=completed_on, today=today, calendar=CAL, due_soon=2
    )


def test_an_action_due_friday_is_overdue_by_working_days_not_calendar_days() -> None:
    s = standing(FRIDAY, date(2026, 3, 10))  # Tuesday: Monday and Tuesday have passed
    assert (s.standing, s.words) == (Standing.OVERDUE, "Overdue by 2 working days")


def test_a_bank_holiday_is_not_counted_as_a_day_overdue() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026 are bank holidays.
    s = standing(date(2026, 4, 2), date(2026, 4, 7))
    assert s.words == "Overdue by 1 working day"


def test_due_soon_due_today_and_due_later() -> None:
    assert standing(FRIDAY, date(2026, 3, 4)).words == "Due soon: 2 working days left"
    assert standing(FRIDAY, FRIDAY).words == "Due today"
    assert standing(FRIDAY, date(2026, 3, 2)).words == "Due in 4 working days"
    assert standing(FRIDAY, date(2026, 3, 2)).standing is Standing.DUE


def test_done_on_time_and_done_late() -> None:
    assert standing(FRIDAY, date(2026, 4, 1), completed_on=FRIDAY).words == "Done on time"
    late = standing(FRIDAY, date(2026, 4, 1), completed_on=date(2026, 3, 9))
    assert (late.standing, late.words) == (Standing.DONE_LATE, "Done late (by 1 working day)")
