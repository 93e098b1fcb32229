"""Properties of working-day arithmetic, checked against a day-by-day reference."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from putright.rules.calendar import (
    WorkingCalendar,
    add_working_days,
    closures_between,
    working_days_between,
)

ENGLAND = WorkingCalendar.england_and_wales()
WITH_CLOSURES = WorkingCalendar.england_and_wales(
    extra_closures={
        date(2025, 12, 24): "Office closure",
        date(2025, 12, 29): "Office closure",
        date(2025, 12, 30): "Office closure",
        date(2025, 12, 31): "Office closure",
        date(2026, 6, 12): "Staff training day",
    }
)

FAST = settings(max_examples=300, deadline=None, database=None)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
counts = st.integers(min_value=0, max_value=80)
calendars = st.sampled_from([ENGLAND, WITH_CLOSURES])


def step_by_day(start: date, n: int, calendar: WorkingCalendar) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


@FAST
@given(start=days, n=counts, calendar=calendars)
def test_add_working_days_matches_stepping_day_by_day(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    assert add_working_days(start, n, calendar=calendar) == step_by_day(start, n, calendar)


@FAST
@given(start=days, n=st.integers(min_value=1, max_value=80), calendar=calendars)
def test_the_result_of_adding_at_least_one_working_day_is_a_working_day(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    assert calendar.is_working_day(add_working_days(start, n, calendar=calendar))


@FAST
@given(start=days, n=counts, calendar=calendars)
def test_working_days_between_a_date_and_n_working_days_later_is_n(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    end = add_working_days(start, n, calendar=calendar)
    assert working_days_between(start, end, calendar=calendar) == n
    assert working_days_between(end, start, calendar=calendar) == -n


@FAST
@given(start=days, n=counts, calendar=calendars)
def test_adding_more_working_days_never_gives_an_earlier_date(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    assert add_working_days(start, n, calendar=calendar) < add_working_days(
        start, n + 1, calendar=calendar
    )


@FAST
@given(start=days, n=counts, m=counts, calendar=calendars)
def test_adding_n_then_m_working_days_is_adding_n_plus_m(
    start: date, n: int, m: int, calendar: WorkingCalendar
) -> None:
    once = add_working_days(start, n + m, calendar=calendar)
    twice = add_working_days(add_working_days(start, n, calendar=calendar), m, calendar=calendar)
    assert once == twice


@FAST
@given(start=days, n=counts, calendar=calendars)
def test_n_working_days_take_at_least_n_calendar_days(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    assert (add_working_days(start, n, calendar=calendar) - start).days >= n


@FAST
@given(a=days, b=days, calendar=calendars)
def test_working_days_between_counts_each_working_day_after_the_start(
    a: date, b: date, calendar: WorkingCalendar
) -> None:
    low, high = min(a, b), max(a, b)
    span = (high - low).days
    if span > 400:
        high = low + timedelta(days=400)
        span = 400
    expected = sum(
        1 for i in range(1, span + 1) if calendar.is_working_day(low + timedelta(days=i))
    )
    assert working_days_between(low, high, calendar=calendar) == expected


@FAST
@given(start=days, n=counts, calendar=calendars)
def test_the_closures_listed_are_exactly_the_weekdays_skipped(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    end = add_working_days(start, n, calendar=calendar)
    listed = closures_between(start, end, calendar=calendar)
    skipped = [
        start + timedelta(days=i)
        for i in range(1, (end - start).days + 1)
        if (start + timedelta(days=i)).weekday() < 5
        and not calendar.is_working_day(start + timedelta(days=i))
    ]
    assert [c.day for c in listed] == skipped
