"""Deadlines, their status on a given day, extensions, the 12-month limit and passing on."""

from datetime import date

import pytest

from putright.rules.calendar import CalendarHistory, Closure, WorkingCalendar
from putright.rules.clocks import (
    EXTENSION_NOT_LATER,
    WITHIN_CODE_TIMESCALES,
    AgreedExtension,
    ClockStatus,
    Deadline,
    Timeliness,
    acknowledgement_deadline,
    add_months,
    pass_on_delay,
    propose_extension,
    response_deadline,
    within_time_limit,
)
from putright.rules.profile import HOUSING_OMBUDSMAN_2024

ENGLAND = WorkingCalendar.england_and_wales()
HISTORY = CalendarHistory.england_and_wales()
STAGE_1 = HOUSING_OMBUDSMAN_2024.stage(1)
DUE_SOON = HOUSING_OMBUDSMAN_2024.due_soon_working_days

RECEIVED = date(2026, 3, 6)  # a Friday
ACKNOWLEDGED = date(2026, 3, 9)  # the Monday after
RESPONSE_DUE = date(2026, 3, 23)  # 10 working days after acknowledgement
CAP_DUE = date(2026, 4, 8)  # 10 more, skipping Good Friday and Easter Monday


def response_clock(
    *,
    today: date,
    done_on: date | None = None,
    extended_due: date | None = None,
    good_reason: bool = False,
    history: CalendarHistory = HISTORY,
    agreed_on: date = ACKNOWLEDGED,
) -> Deadline:
    extensions = (
        [AgreedExtension(agreed_on=agreed_on, new_due=extended_due, good_reason=good_reason)]
        if extended_due
        else []
    )
    return response_deadline(
        acknowledged_on=ACKNOWLEDGED,
        limit=STAGE_1.response_limit,
        cap=STAGE_1.extension_cap,
        extensions=extensions,
        responded_on=done_on,
        today=today,
        history=history,
        due_soon=DUE_SOON,
    )


def ack_clock(*, starts: date | None, today: date, history: CalendarHistory = HISTORY) -> Deadline:
    return acknowledgement_deadline(
        requested_on=starts,
        limit=STAGE_1.ack_limit,
        acknowledged_on=None,
        today=today,
        history=history,
        due_soon=DUE_SOON,
    )


def test_stage_one_acknowledgement_due_five_working_days_after_receipt() -> None:
    clock = ack_clock(starts=RECEIVED, today=RECEIVED)
    assert clock.due == clock.original_due == date(2026, 3, 13)


def test_stage_one_response_due_ten_working_days_after_acknowledgement() -> None:
    clock = response_clock(today=ACKNOWLEDGED)
    assert clock.original_due == clock.due == RESPONSE_DUE
    assert clock.status is ClockStatus.ON_TRACK
    assert clock.working_days_left == 10
    assert clock.timeliness is None
    assert clock.closures == ()
    # Not extended yet: the cap is counted from the original due date with today's calendar.
    assert clock.cap_due == CAP_DUE


def test_a_clock_that_has_not_started_has_no_due_date() -> None:
    clock = ack_clock(starts=None, today=RECEIVED)
    assert clock.status is ClockStatus.NOT_STARTED
    assert clock.due is None
    assert clock.original_due is None
    assert clock.working_days_left is None
    assert clock.timeliness is None


def test_a_deadline_is_due_soon_with_two_working_days_left_but_not_with_three() -> None:
    assert response_clock(today=date(2026, 3, 18)).working_days_left == 3
    assert response_clock(today=date(2026, 3, 18)).status is ClockStatus.ON_TRACK
    assert response_clock(today=date(2026, 3, 19)).working_days_left == 2
    assert response_clock(today=date(2026, 3, 19)).status is ClockStatus.DUE_SOON


def test_a_deadline_is_due_soon_not_overdue_on_the_due_date_itself() -> None:
    clock = response_clock(today=RESPONSE_DUE)
    assert clock.status is ClockStatus.DUE_SOON
    assert clock.working_days_left == 0


def test_a_deadline_is_overdue_the_day_after_with_negative_days_left() -> None:
    assert response_clock(today=date(2026, 3, 24)).status is ClockStatus.OVERDUE
    assert response_clock(today=date(2026, 3, 24)).working_days_left == -1
    assert response_clock(today=date(2026, 3, 26)).working_days_left == -3


def test_the_weekend_after_a_friday_deadline_is_already_overdue() -> None:
    clock = ack_clock(starts=RECEIVED, today=date(2026, 3, 14))
    assert clock.due == date(2026, 3, 13)
    assert clock.status is ClockStatus.OVERDUE
    assert clock.working_days_left == -1


def test_a_response_sent_on_the_due_date_is_met_within_the_original_time() -> None:
    clock = response_clock(today=date(2026, 4, 30), done_on=RESPONSE_DUE)
    assert clock.status is ClockStatus.MET
    assert clock.timeliness is Timeliness.ORIGINAL
    assert clock.working_days_left is None


def test_a_response_sent_after_the_due_date_without_extension_is_missed_and_late() -> None:
    clock = response_clock(today=date(2026, 4, 30), done_on=date(2026, 3, 24))
    assert clock.status is ClockStatus.MISSED
    assert clock.timeliness is Timeliness.LATE


def test_a_response_sent_by_an_extended_date_within_the_cap_is_within_extension() -> None:
    clock = response_clock(
        today=date(2026, 4, 30), done_on=date(2026, 3, 30), extended_due=date(2026, 4, 1)
    )
    assert clock.due == date(2026, 4, 1)
    assert clock.original_due == RESPONSE_DUE
    assert clock.status is ClockStatus.MET
    assert clock.timeliness is Timeliness.EXTENDED


def test_an_extension_to_the_cap_answered_on_its_last_day_is_within_the_extension() -> None:
    clock = response_clock(today=date(2026, 4, 30), done_on=CAP_DUE, extended_due=CAP_DUE)
    assert clock.status is ClockStatus.MET
    assert clock.timeliness is Timeliness.EXTENDED


def test_beyond_the_cap_with_a_good_reason_is_within_the_codes_timescales() -> None:
    # Extended to 15 Apr, past the 8 Apr cap; answered 14 Apr, after the cap.
    with_reason = response_clock(
        today=date(2026, 4, 30),
        done_on=date(2026, 4, 14),
        extended_due=date(2026, 4, 15),
        good_reason=True,
    )
    assert with_reason.timeliness is Timeliness.EXTENDED_GOOD_REASON
    assert with_reason.timeliness in WITHIN_CODE_TIMESCALES
    without = response_clock(
        today=date(2026, 4, 30), done_on=date(2026, 4, 14), extended_due=date(2026, 4, 15)
    )
    assert without.timeliness is Timeliness.BEYOND_CAP
    assert without.timeliness not in WITHIN_CODE_TIMESCALES


def test_an_answer_by_the_cap_within_an_extension_beyond_it_is_within_the_cap() -> None:
    clock = response_clock(today=date(2026, 4, 30), done_on=CAP_DUE, extended_due=date(2026, 4, 15))
    assert clock.timeliness is Timeliness.EXTENDED


def test_a_response_sent_after_the_extended_date_is_missed_and_late() -> None:
    clock = response_clock(
        today=date(2026, 4, 30), done_on=date(2026, 4, 2), extended_due=date(2026, 4, 1)
    )
    assert clock.status is ClockStatus.MISSED
    assert clock.timeliness is Timeliness.LATE


def test_an_open_extended_clock_counts_down_to_the_extended_date() -> None:
    clock = response_clock(today=date(2026, 3, 24), extended_due=date(2026, 4, 1))
    assert clock.status is ClockStatus.ON_TRACK
    assert clock.working_days_left == 6


def test_a_deadline_lists_the_bank_holidays_that_pushed_it() -> None:
    clock = ack_clock(starts=date(2026, 12, 18), today=date(2026, 12, 18))
    assert clock.due == date(2026, 12, 29)
    assert [c.day for c in clock.closures] == [date(2026, 12, 25), date(2026, 12, 28)]


def _propose(new_due: date, *, before: list[AgreedExtension] | None = None) -> object:
    current = response_clock(today=date(2026, 3, 20))
    if before:
        current = response_deadline(
            acknowledged_on=ACKNOWLEDGED,
            limit=10,
            cap=10,
            extensions=before,
            responded_on=None,
            today=date(2026, 3, 20),
            history=HISTORY,
            due_soon=DUE_SOON,
        )
    return propose_extension(
        current=current,
        acknowledged_on=ACKNOWLEDGED,
        extensions=before or [],
        proposed=AgreedExtension(agreed_on=date(2026, 3, 20), new_due=new_due),
        responded_on=None,
        today=date(2026, 3, 20),
        history=HISTORY,
        due_soon=DUE_SOON,
    )


def test_an_extension_up_to_the_cap_is_within_it() -> None:
    check = _propose(CAP_DUE)
    assert check.working_days == 10  # type: ignore[attr-defined]
    assert check.cap == 10  # type: ignore[attr-defined]
    assert check.cap_due == CAP_DUE  # type: ignore[attr-defined]
    assert check.within_cap  # type: ignore[attr-defined]


def test_an_extension_one_working_day_past_the_cap_needs_a_good_reason() -> None:
    check = _propose(date(2026, 4, 9))
    assert check.working_days == 11  # type: ignore[attr-defined]
    assert not check.within_cap  # type: ignore[attr-defined]


def test_a_second_extension_is_measured_from_the_original_due_date() -> None:
    first = AgreedExtension(agreed_on=date(2026, 3, 16), new_due=date(2026, 3, 27))
    check = _propose(date(2026, 4, 2), before=[first])
    assert check.working_days == 8  # type: ignore[attr-defined]
    assert check.within_cap  # type: ignore[attr-defined]


@pytest.mark.parametrize("new_due", [date(2026, 3, 27), date(2026, 3, 26)])
def test_an_extension_must_move_the_date_later(new_due: date) -> None:
    first = AgreedExtension(agreed_on=date(2026, 3, 16), new_due=date(2026, 3, 27))
    with pytest.raises(ValueError, match="must be later") as caught:
        _propose(new_due, before=[first])
    assert str(caught.value) == EXTENSION_NOT_LATER


# --- closures in time -------------------------------------------------------------------------
# The issue's case: acknowledged Mon 2 Mar 2026, so due 10 working days later, Mon 16 Mar
# (3-6 Mar = 4, 9-13 Mar = 9, 16 Mar = 10). A closure on Tue 10 Mar pushes it to Tue 17 Mar,
# but only for a clock whose result had not settled when the closure was decided.
TRAINING = Closure(day=date(2026, 3, 10), reason="Training", decided_on=date(2026, 3, 5))


def _issue_clock(
    closure: Closure, *, today: date, extended_on: date | None = None, done_on: date | None = None
) -> Deadline:
    extensions = (
        [AgreedExtension(agreed_on=extended_on, new_due=date(2026, 3, 30))] if extended_on else []
    )
    return response_deadline(
        acknowledged_on=date(2026, 3, 2),
        limit=10,
        cap=10,
        extensions=extensions,
        responded_on=done_on,
        today=today,
        history=CalendarHistory.england_and_wales(closures=(closure,)),
        due_soon=DUE_SOON,
    )


def test_a_closure_decided_while_a_clock_runs_moves_its_original_due_date() -> None:
    # Decided 5 Mar, clock still running on 6 Mar: due 17 Mar.
    assert _issue_clock(TRAINING, today=date(2026, 3, 6)).original_due == date(2026, 3, 17)
    # On 4 Mar the closure was not yet decided: due 16 Mar.
    assert _issue_clock(TRAINING, today=date(2026, 3, 4)).original_due == date(2026, 3, 16)


def test_a_closure_decided_after_the_first_extension_leaves_the_original_due_date() -> None:
    # Extended on 4 Mar (to 30 Mar), closure decided 5 Mar: the original due date the
    # extension was measured against stays 16 Mar, and its cap stays 10 working days after
    # that as counted on 4 Mar: 17-20 Mar = 4, 23-27 Mar = 9, 30 Mar = 10.
    clock = _issue_clock(TRAINING, today=date(2026, 3, 20), extended_on=date(2026, 3, 4))
    assert clock.original_due == date(2026, 3, 16)
    assert clock.cap_due == date(2026, 3, 30)
    assert clock.extensions[0].within_cap


def test_a_closure_decided_after_the_response_never_changes_its_timeliness() -> None:
    # Answered Tue 17 Mar: one day late on the calendar of the day it was sent.
    late = Closure(day=date(2026, 3, 10), reason="Training", decided_on=date(2026, 3, 18))
    clock = _issue_clock(late, today=date(2026, 6, 1), done_on=date(2026, 3, 17))
    assert clock.original_due == date(2026, 3, 16)
    assert clock.timeliness is Timeliness.LATE


def test_a_withdrawn_closure_still_counts_for_results_settled_while_it_stood() -> None:
    withdrawn = Closure(
        day=date(2026, 3, 10),
        reason="Training",
        decided_on=date(2026, 3, 1),
        withdrawn_on=date(2026, 3, 20),
    )
    # Answered 17 Mar, while the closure stood: on time (due 17 Mar).
    done = _issue_clock(withdrawn, today=date(2026, 6, 1), done_on=date(2026, 3, 17))
    assert done.timeliness is Timeliness.ORIGINAL
    # Still running on 20 Mar, when it was withdrawn: due 16 Mar again, so overdue.
    running = _issue_clock(withdrawn, today=date(2026, 3, 20))
    assert running.original_due == date(2026, 3, 16)
    assert running.status is ClockStatus.OVERDUE


def test_an_extended_date_on_a_closed_day_is_flagged() -> None:
    # Sat 28 Mar 2026 is not a working day.
    clock = response_clock(today=date(2026, 3, 24), extended_due=date(2026, 3, 28))
    assert clock.due_is_working_day is False
    assert response_clock(
        today=date(2026, 3, 24), extended_due=date(2026, 3, 27)
    ).due_is_working_day


def test_a_complaint_made_twelve_months_to_the_day_after_the_issue_is_in_time() -> None:
    issue = date(2025, 3, 10)
    assert within_time_limit(
        issue_date=issue, became_aware=None, received=date(2026, 3, 10), months=12
    )
    assert not within_time_limit(
        issue_date=issue, became_aware=None, received=date(2026, 3, 11), months=12
    )


def test_a_resident_who_became_aware_of_an_old_issue_recently_is_in_time() -> None:
    assert within_time_limit(
        issue_date=date(2023, 1, 5),
        became_aware=date(2025, 9, 1),
        received=date(2026, 3, 10),
        months=12,
    )
    assert within_time_limit(
        issue_date=None, became_aware=date(2025, 9, 1), received=date(2026, 3, 10), months=12
    )


def test_the_later_of_issue_and_awareness_counts_whichever_is_given_first() -> None:
    assert within_time_limit(
        issue_date=date(2025, 9, 1),
        became_aware=date(2023, 1, 5),
        received=date(2026, 3, 10),
        months=12,
    )


def test_an_unknown_issue_date_is_not_a_ground_to_exclude_on_its_own() -> None:
    assert within_time_limit(
        issue_date=None, became_aware=None, received=date(2026, 3, 10), months=12
    )


def test_an_issue_on_29_february_runs_out_on_28_february_the_next_year() -> None:
    assert within_time_limit(
        issue_date=date(2024, 2, 29), became_aware=None, received=date(2025, 2, 28), months=12
    )
    assert not within_time_limit(
        issue_date=date(2024, 2, 29), became_aware=None, received=date(2025, 3, 1), months=12
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 11, 30), 2, date(2026, 1, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 3, 10), 0, date(2025, 3, 10)),
        (date(2025, 1, 31), 11, date(2025, 12, 31)),  # landing in December
        (date(2026, 1, 31), -1, date(2025, 12, 31)),
    ],
)
def test_adding_calendar_months_clamps_to_the_end_of_a_short_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_a_complaint_heard_on_friday_and_logged_on_monday_was_passed_on_in_time() -> None:
    delay = pass_on_delay(heard_on=RECEIVED, logged_on=ACKNOWLEDGED, calendar=ENGLAND)
    assert delay == 1
    assert delay <= HOUSING_OMBUDSMAN_2024.pass_on_working_days


def test_a_complaint_logged_two_working_days_after_it_was_heard_breaches_the_policy() -> None:
    delay = pass_on_delay(heard_on=RECEIVED, logged_on=date(2026, 3, 10), calendar=ENGLAND)
    assert delay == 2
    assert delay > HOUSING_OMBUDSMAN_2024.pass_on_working_days


def test_pass_on_delay_skips_the_easter_bank_holidays_and_same_day_is_zero() -> None:
    assert (
        pass_on_delay(heard_on=date(2026, 4, 2), logged_on=date(2026, 4, 7), calendar=ENGLAND) == 1
    )
    assert pass_on_delay(heard_on=RECEIVED, logged_on=RECEIVED, calendar=ENGLAND) == 0
