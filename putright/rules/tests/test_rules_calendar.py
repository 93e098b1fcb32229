"""Working-day calendar against known England & Wales dates and landlord closures."""

from datetime import date

import pytest

from putright.rules.calendar import (
    ClosedDay,
    WorkingCalendar,
    add_working_days,
    closures_between,
    working_days_between,
)

ENGLAND = WorkingCalendar.england_and_wales()


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day"),  # substitute for Saturday 26 December 2026
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 5, 4), "May Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        (date(2022, 9, 19), "State Funeral"),
        (date(2023, 5, 8), "Coronation"),
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2027, 1, 1), "New Year"),
    ],
)
def test_england_and_wales_bank_holidays_are_not_working_days(day: date, reason: str) -> None:
    assert not ENGLAND.is_working_day(day)
    closed = ENGLAND.closed_day(day)
    assert closed is not None
    assert closed.kind == "bank_holiday"
    assert reason in closed.reason


def test_christmas_2026_falls_on_a_friday_and_boxing_day_moves_to_monday() -> None:
    assert date(2026, 12, 25).strftime("%A") == "Friday"
    assert ENGLAND.closed_day(date(2026, 12, 26)) is None  # a Saturday: weekend, not a closure
    assert not ENGLAND.is_working_day(date(2026, 12, 26))
    assert "observed" in ENGLAND.closed_day(date(2026, 12, 28)).reason  # type: ignore[union-attr]
    assert ENGLAND.is_working_day(date(2026, 12, 29))


def test_ordinary_weekdays_are_working_days_and_weekends_are_not() -> None:
    assert ENGLAND.is_working_day(date(2026, 3, 4))
    assert ENGLAND.closed_day(date(2026, 3, 4)) is None
    assert not ENGLAND.is_working_day(date(2026, 3, 7))
    assert not ENGLAND.is_working_day(date(2026, 3, 8))


def test_a_complaint_received_on_a_friday_is_due_five_working_days_later_on_the_next_friday() -> (
    None
):
    assert add_working_days(date(2026, 3, 6), 5, calendar=ENGLAND) == date(2026, 3, 13)


def test_a_complaint_received_on_a_saturday_starts_counting_on_monday() -> None:
    assert add_working_days(date(2026, 3, 7), 1, calendar=ENGLAND) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 7), 5, calendar=ENGLAND) == date(2026, 3, 13)


def test_a_complaint_received_on_a_bank_holiday_starts_counting_the_next_working_day() -> None:
    assert add_working_days(date(2026, 5, 4), 1, calendar=ENGLAND) == date(2026, 5, 5)


def test_christmas_and_new_year_push_a_deadline_back() -> None:
    due = add_working_days(date(2026, 12, 18), 10, calendar=ENGLAND)
    # 21 to 24 and 29 to 31 Dec, 4 to 6 Jan: 25 Dec, 28 Dec and 1 Jan are bank holidays.
    assert due == date(2027, 1, 6)
    assert [c.day for c in closures_between(date(2026, 12, 18), due, calendar=ENGLAND)] == [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
    ]


def test_easter_pushes_a_deadline_back_four_days() -> None:
    assert add_working_days(date(2026, 4, 2), 1, calendar=ENGLAND) == date(2026, 4, 7)


def test_zero_working_days_returns_the_start_unchanged_even_at_a_weekend() -> None:
    assert add_working_days(date(2026, 3, 7), 0, calendar=ENGLAND) == date(2026, 3, 7)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(date(2026, 3, 6), -1, calendar=ENGLAND)


def test_working_days_between_does_not_count_the_start_day() -> None:
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 6), calendar=ENGLAND) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9), calendar=ENGLAND) == 1
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 8), calendar=ENGLAND) == 0


def test_working_days_between_is_negative_when_the_end_is_earlier() -> None:
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 6), calendar=ENGLAND) == -5


def test_working_days_in_2026_in_england() -> None:
    # 261 weekdays less 8 weekday bank holidays (26 Dec is a Saturday; its substitute counts).
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), calendar=ENGLAND) == 253


def test_a_landlord_closure_moves_the_date_and_is_listed() -> None:
    calendar = WorkingCalendar.england_and_wales(
        extra_closures={date(2026, 12, 24): "Office closure"}
    )
    assert add_working_days(date(2026, 12, 18), 5, calendar=ENGLAND) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 18), 5, calendar=calendar) == date(2026, 12, 30)
    assert closures_between(date(2026, 12, 18), date(2026, 12, 30), calendar=calendar) == (
        ClosedDay(date(2026, 12, 24), "Office closure", "landlord"),
        ClosedDay(date(2026, 12, 25), "Christmas Day", "bank_holiday"),
        ClosedDay(date(2026, 12, 28), "Boxing Day (observed)", "bank_holiday"),
    )


def test_a_landlord_closure_at_a_weekend_changes_nothing() -> None:
    calendar = WorkingCalendar.england_and_wales(extra_closures={date(2026, 3, 7): "Away day"})
    assert calendar.closed_day(date(2026, 3, 7)) is None
    assert closures_between(date(2026, 3, 6), date(2026, 3, 13), calendar=calendar) == ()


def test_a_landlord_closure_on_a_bank_holiday_is_reported_as_the_bank_holiday() -> None:
    calendar = WorkingCalendar.england_and_wales(
        extra_closures={date(2026, 12, 25): "Office closure"}
    )
    assert calendar.closed_day(date(2026, 12, 25)) == ClosedDay(
        date(2026, 12, 25), "Christmas Day", "bank_holiday"
    )


def test_closures_between_excludes_the_start_and_includes_the_end() -> None:
    days = closures_between(date(2026, 4, 3), date(2026, 4, 6), calendar=ENGLAND)
    assert [c.day for c in days] == [date(2026, 4, 6)]
    assert closures_between(date(2026, 4, 6), date(2026, 4, 3), calendar=ENGLAND) == ()


def test_a_calendar_can_be_built_from_a_plain_mapping() -> None:
    calendar = WorkingCalendar(bank_holidays={date(2030, 1, 2): "Made-up holiday"})
    assert not calendar.is_working_day(date(2030, 1, 2))
    assert calendar.is_working_day(date(2030, 1, 1))
    assert add_working_days(date(2030, 1, 1), 1, calendar=calendar) == date(2030, 1, 3)


def test_a_deadline_spanning_several_years_counts_every_year_s_holidays() -> None:
    start, end = date(2023, 6, 1), date(2026, 6, 1)
    naive = sum(
        1
        for offset in range(1, (end - start).days + 1)
        if ENGLAND.is_working_day(date.fromordinal(start.toordinal() + offset))
    )
    assert working_days_between(start, end, calendar=ENGLAND) == naive
