"""Clocks are kept once worked out (`clocks.CLOCKS_KEPT`), by every argument: asking again
gives the same frozen result, and any argument that differs — the calendar history above all,
kept by identity — is worked out afresh, equal to a clock never kept."""

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from putright.rules import clocks
from putright.rules.calendar import CalendarHistory, Closure
from putright.rules.clocks import AgreedExtension, acknowledgement_deadline, response_deadline

PLAIN = CalendarHistory.england_and_wales()
# A closure on Tue 10 Mar 2026, decided before anything below: every clock over it moves.
CLOSED = CalendarHistory.england_and_wales(
    closures=(Closure(day=date(2026, 3, 10), reason="Training", decided_on=date(2026, 1, 5)),)
)


def _response(history: CalendarHistory, **changes: Any) -> clocks.Deadline:
    arguments: dict[str, Any] = {
        "acknowledged_on": date(2026, 3, 2),
        "limit": 10,
        "cap": 10,
        "extensions": [],
        "responded_on": None,
        "today": date(2026, 3, 6),
        "history": history,
        "due_soon": 2,
    } | changes
    return response_deadline(**arguments)


def test_the_same_clock_asked_again_is_the_one_kept() -> None:
    assert _response(PLAIN) is _response(PLAIN)


def test_a_clock_kept_for_one_calendar_history_is_not_given_for_another() -> None:
    assert _response(PLAIN).due == date(2026, 3, 16)
    assert _response(CLOSED).due == date(2026, 3, 17)  # the closure counts
    for history, due in ((PLAIN, date(2026, 3, 12)), (CLOSED, date(2026, 3, 13))):
        ack = acknowledgement_deadline(
            requested_on=date(2026, 3, 5),
            limit=5,
            acknowledged_on=None,
            today=date(2026, 3, 6),
            history=history,
            due_soon=2,
        )
        assert ack.due == due


def test_a_clock_kept_is_not_given_for_another_day_or_extension() -> None:
    assert _response(PLAIN, today=date(2026, 3, 16)).status == clocks.ClockStatus.DUE_SOON
    assert _response(PLAIN, today=date(2026, 3, 17)).status == clocks.ClockStatus.OVERDUE
    extended = [AgreedExtension(agreed_on=date(2026, 3, 12), new_due=date(2026, 3, 27))]
    assert _response(PLAIN, extensions=extended).due == date(2026, 3, 27)
    assert _response(PLAIN, extensions=[]).due == date(2026, 3, 16)


days = st.integers(min_value=0, max_value=60).map(lambda n: date(2026, 2, 2) + timedelta(days=n))


@settings(max_examples=200)
@given(
    acknowledged_on=days,
    responded_on=st.none() | days,
    today=days,
    stopped_on=st.none() | days,
    history=st.sampled_from([PLAIN, CLOSED]),
    extended=st.none() | st.tuples(days, days, st.booleans()),
)
def test_a_kept_clock_equals_one_worked_out_afresh(
    acknowledged_on: date,
    responded_on: date | None,
    today: date,
    stopped_on: date | None,
    history: CalendarHistory,
    extended: tuple[date, date, bool] | None,
) -> None:
    extensions = [AgreedExtension(*extended)] if extended else []
    arguments = (acknowledged_on, 10, 10, tuple(extensions), responded_on, today, history, 2)
    fresh = clocks._response_deadline.__wrapped__(*arguments, stopped_on)
    kept = response_deadline(
        acknowledged_on=acknowledged_on,
        limit=10,
        cap=10,
        extensions=extensions,
        responded_on=responded_on,
        today=today,
        history=history,
        due_soon=2,
        stopped_on=stopped_on,
    )
    assert kept == fresh
    again = clocks._acknowledgement_deadline.__wrapped__(
        acknowledged_on, 5, responded_on, today, history, 2, stopped_on
    )
    assert again == acknowledgement_deadline(
        requested_on=acknowledged_on,
        limit=5,
        acknowledged_on=responded_on,
        today=today,
        history=history,
        due_soon=2,
        stopped_on=stopped_on,
    )
