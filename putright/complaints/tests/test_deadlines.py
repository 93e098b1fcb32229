"""Each stage's clocks on a given day: working days, bank holidays, closures, stopped clocks."""

from datetime import date

import pytest

from putright.complaints import services
from putright.complaints.calendar import landlord_history
from putright.complaints.deadlines import stage_clocks
from putright.complaints.models import NonWorkingDay
from putright.complaints.tests.stories import (
    MONDAY,
    acknowledged,
    received,
    reload,
    stage_of,
    travel,
)
from putright.rules.clocks import ClockStatus
from putright.rules.profile import get_profile

pytestmark = pytest.mark.usefixtures("monday")


def clocks(complaint, on, number=None):
    complaint = reload(complaint)
    return stage_clocks(
        stage_of(complaint, number),
        state=complaint.state,
        on=on,
        history=landlord_history(),
        profile=get_profile(complaint.profile_code),
    )


@pytest.mark.parametrize(
    ("on", "status", "left"),
    [
        (date(2026, 3, 2), ClockStatus.ON_TRACK, 5),
        (date(2026, 3, 4), ClockStatus.ON_TRACK, 3),
        (date(2026, 3, 5), ClockStatus.DUE_SOON, 2),
        (date(2026, 3, 9), ClockStatus.DUE_SOON, 0),
        (date(2026, 3, 10), ClockStatus.OVERDUE, -1),
        (date(2026, 3, 14), ClockStatus.OVERDUE, -4),
    ],
)
def test_the_acknowledgement_clock_runs_in_working_days(complaint, on, status, left):
    clock = clocks(complaint, on).current

    assert clock.due == date(2026, 3, 9)
    assert clock.status == status
    assert clock.working_days_left == left


def test_the_weekend_after_a_friday_deadline_is_overdue_not_zero_days_left(resident, handler):
    complaint = received(resident=resident, actor=handler, on=date(2026, 2, 27))  # due Fri 6 Mar

    clock = clocks(complaint, date(2026, 3, 7)).current
    assert clock.due == date(2026, 3, 6)
    assert clock.status == ClockStatus.OVERDUE
    assert clock.working_days_left == -1


def test_an_acknowledgement_on_time_is_met_and_the_response_clock_starts(complaint, handler):
    complaint = acknowledged(complaint, actor=handler)

    stage = clocks(complaint, date(2026, 3, 12))
    assert stage.acknowledgement.status == ClockStatus.MET
    assert stage.current is stage.response
    assert stage.response.due == date(2026, 3, 16)
    assert stage.response.status == ClockStatus.DUE_SOON
    assert stage.response.working_days_left == 2


def test_a_late_acknowledgement_is_missed(resident, handler):
    complaint = acknowledged(
        received(resident=resident, actor=handler, on=date(2026, 2, 2)), actor=handler
    )

    assert clocks(complaint, MONDAY).acknowledgement.status == ClockStatus.MISSED


def test_an_unacknowledged_stage_has_no_response_clock_yet(complaint):
    assert clocks(complaint, MONDAY).response.status == ClockStatus.NOT_STARTED


def test_a_complaint_not_accepted_stops_its_clock_rather_than_going_overdue(complaint, officer):
    services.complaint_exclude(
        complaint=complaint,
        ground="criminal",
        reasoning="A report of a burglary: passed to the police.",
        discretion_considered=False,
        actor=officer,
    )

    stage = clocks(complaint, date(2026, 4, 1))
    assert stage.running is False
    assert stage.stopped is True
    assert stage.current.status == ClockStatus.ON_TRACK
    assert stage.current.working_days_left == 5


def test_a_withdrawn_complaint_stops_its_response_clock(open_complaint, handler, time_machine):
    travel(time_machine, date(2026, 3, 13))  # Friday, one working day before the deadline
    services.complaint_withdraw(complaint=open_complaint, reason="Leak fixed.", actor=handler)

    stage = clocks(open_complaint, date(2026, 5, 1))
    assert stage.stopped is True
    assert stage.response.status == ClockStatus.DUE_SOON
    assert stage.response.working_days_left == 1


def test_christmas_and_the_boxing_day_substitute_move_the_deadline(resident, handler, time_machine):
    # 25 December 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is a holiday.
    travel(time_machine, date(2026, 12, 22))
    complaint = received(resident=resident, actor=handler)

    assert stage_of(complaint).ack_due == date(2026, 12, 31)
    clock = clocks(complaint, date(2026, 12, 22)).acknowledgement
    assert clock.due == date(2026, 12, 31)
    assert [(c.day, c.kind) for c in clock.closures] == [
        (date(2026, 12, 25), "bank_holiday"),
        (date(2026, 12, 28), "bank_holiday"),
    ]


def test_a_landlord_closure_day_moves_the_deadline(resident, handler):
    NonWorkingDay.objects.create(day=date(2026, 3, 4), reason="Staff training day")

    complaint = received(resident=resident, actor=handler)

    assert stage_of(complaint).ack_due == date(2026, 3, 10)
    assert reload(complaint).next_due == date(2026, 3, 10)
    closures = clocks(complaint, MONDAY).acknowledgement.closures
    assert [(c.day, c.reason, c.kind) for c in closures] == [
        (date(2026, 3, 4), "Staff training day", "landlord")
    ]


def test_an_answer_after_the_cap_within_a_good_reason_extension_is_within_the_code(
    open_complaint, handler, time_machine
):
    from putright.complaints.tests.stories import extended, responded
    from putright.rules.clocks import Timeliness

    # Response due 16 March; the Code's cap (10 more working days, 6.4) is 30 March.
    extended(
        open_complaint,
        actor=handler,
        new_due=date(2026, 4, 1),
        good_reason="The structural engineer cannot visit sooner.",
    )
    travel(time_machine, date(2026, 3, 31))
    responded(open_complaint, actor=handler)

    # Answered 31 March: after the cap, within an extension with a recorded good reason, which
    # the Code allows (6.4 caps extensions only "without good reason").
    response = clocks(open_complaint, date(2026, 4, 2)).response
    assert response.status == ClockStatus.MET
    assert response.timeliness == Timeliness.EXTENDED_GOOD_REASON
