"""Stage work: acknowledge and define, extend, respond, escalate, assign (Code 5-7)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from putright.complaints import services
from putright.complaints.calendar import landlord_history
from putright.complaints.deadlines import stage_clocks
from putright.complaints.models import Extension, OutstandingAction, Remedy, Response
from putright.complaints.services.common import (
    ALREADY_ACKNOWLEDGED,
    ALREADY_ESCALATED_TO_STAGE_TWO,
)
from putright.complaints.services.stages import (
    ACTION_NEEDS_OWNER,
    ALREADY_ESCALATED,
    AMOUNT_ONLY_FINANCIAL,
    BEFORE_REQUEST,
    BEYOND_CAP,
    DECISION_NEEDS_REASONS,
    DUPLICATE_DECISION,
    EARLY_RESOLUTION_STAGE_ONE,
    ESCALATION_BEFORE_RESPONSE,
    EXTENSION_NEEDS_REASON,
    FINANCIAL_NEEDS_AMOUNT,
    FOLLOW_UP_BEFORE_RESPONSE,
    FOLLOW_UP_NEEDS_DATE,
    INFORMED_BEFORE_ACK,
    NO_DEFINITION_POINTS,
    NO_OUTCOMES,
    NO_REMEDY_REASON,
    NO_RESPONSIBILITY,
    NO_SUMMARY,
    NO_UPDATE_INTERVAL,
    NOT_A_CASE_WORKER,
    POINT_WITHOUT_DECISION,
    REMEDY_NEEDS_WHAT,
    RESIDENT_NOT_INFORMED,
    RESPONSE_BEFORE_ACK,
    SAME_HANDLER,
    STAGE_ONE_PERSON_RESPONDS,
    STAGE_TWO_UNASSIGNED,
    UNKNOWN_OUTCOME,
    UNKNOWN_POINT,
    UNKNOWN_REMEDY_TYPE,
)
from putright.complaints.tests.stories import (
    MONDAY,
    acknowledged,
    apology,
    assert_refused,
    compensation,
    decisions_for,
    escalated,
    extended,
    last_event,
    received,
    reload,
    responded,
    response_input,
    roof_repair,
    stage_of,
    travel,
)
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken, TransitionRefused
from putright.rules.clocks import EXTENSION_NOT_LATER, ClockStatus, Timeliness
from putright.rules.profile import get_profile
from putright.rules.workflow import Action, State, TransitionNotAllowed

pytestmark = pytest.mark.usefixtures("monday")


def acknowledge(complaint, actor, **kwargs):
    values = {
        "stage": stage_of(complaint),
        "points": ["The leak is not fixed."],
        "outcomes_sought": "Fix it.",
        "responsible_for": "The roof.",
        "actor": actor,
    }
    values.update(kwargs)
    return services.stage_acknowledge(**values)


def extend(complaint, actor, **kwargs):
    values = {
        "stage": stage_of(complaint),
        "new_due": date(2026, 3, 23),
        "reason": "Waiting for the roofer's survey.",
        "resident_informed_on": MONDAY,
        "update_interval_days": 5,
        "actor": actor,
    }
    values.update(kwargs)
    return services.stage_extend(**values)


def respond(complaint, actor, data=None, **kwargs):
    return services.stage_respond(
        stage=stage_of(complaint), data=data or response_input(complaint), actor=actor, **kwargs
    )


def at_stage_two(complaint, handler):
    """Rosa's complaint answered at stage 1 by `handler`, then escalated."""
    return escalated(responded(complaint, actor=handler), actor=handler)


def response_clock(complaint, on, number=1):
    complaint = reload(complaint)
    return stage_clocks(
        stage_of(complaint, number),
        state=complaint.state,
        on=on,
        history=landlord_history(),
        profile=get_profile(complaint.profile_code),
    ).response


# --- acknowledge ---------------------------------------------------------------------------


def test_acknowledging_defines_the_complaint_and_starts_ten_working_days(complaint, handler):
    acknowledge(
        complaint,
        handler,
        points=["The leak is not fixed.", " ", "Nobody called back."],
        not_responsible_for="The neighbour's overflowing gutter.",
        to_clarify="Which room the mould is in.",
    )

    complaint = reload(complaint)
    stage = stage_of(complaint)
    assert complaint.status == State.STAGE1_OPEN
    assert [(p.number, p.text) for p in complaint.points.all()] == [
        (1, "The leak is not fixed."),
        (2, "Nobody called back."),
    ]
    assert stage.acknowledged_on == MONDAY
    assert stage.outcomes_sought == "Fix it."
    assert stage.responsible_for == "The roof."
    assert stage.not_responsible_for == "The neighbour's overflowing gutter."
    assert stage.to_clarify == "Which room the mould is in."
    assert stage.response_due_original == date(2026, 3, 16)
    assert stage.response_due == date(2026, 3, 16)
    assert complaint.next_due == date(2026, 3, 16)
    assert last_event(complaint).code == "stage.acknowledged"
    assert last_event(complaint).data["on_time"] is True


def test_acknowledging_at_stage_one_makes_the_handler_who_did_it_the_handler(complaint, handler):
    acknowledge(complaint, handler)

    assert reload(complaint).handler == handler
    assert stage_of(complaint).handler == handler


def test_acknowledging_can_name_another_handler(complaint, officer, handler):
    acknowledge(complaint, officer, handler=handler)

    assert reload(complaint).handler == handler


def test_acknowledging_stage_two_starts_twenty_working_days(
    open_complaint, handler, second_handler
):
    complaint = at_stage_two(open_complaint, handler)

    acknowledge(complaint, second_handler, points=[], handler=second_handler)

    stage = stage_of(complaint, 2)
    assert reload(complaint).status == State.STAGE2_OPEN
    assert stage.response_due == date(2026, 3, 30)
    assert stage.handler == second_handler
    assert reload(complaint).handler == second_handler


def test_the_acknowledgement_cannot_be_dated_before_the_complaint_was_received(resident, handler):
    complaint = received(resident=resident, actor=handler, on=date(2026, 2, 25))

    assert_refused(
        lambda: acknowledge(complaint, handler, acknowledged_on=date(2026, 2, 24)),
        BEFORE_REQUEST,
        complaint=complaint,
        error=InvalidInput,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", ["", "  "], NO_DEFINITION_POINTS),
        ("outcomes_sought", " ", NO_OUTCOMES),
        ("responsible_for", "", NO_RESPONSIBILITY),
    ],
)
def test_the_definition_needs_points_outcomes_and_responsibility(
    complaint, handler, field, value, message
):
    assert_refused(
        lambda: acknowledge(complaint, handler, **{field: value}),
        message,
        complaint=complaint,
        error=InvalidInput,
    )


def test_a_late_acknowledgement_is_recorded_as_late(resident, handler):
    complaint = received(resident=resident, actor=handler, on=date(2026, 2, 2))  # due 9 Feb

    acknowledge(complaint, handler)

    event = last_event(complaint)
    assert event.data["on_time"] is False
    assert event.data["ack_due"] == "2026-02-09"
    assert stage_of(complaint).response_due == date(2026, 3, 16)


def test_a_complaint_cannot_be_acknowledged_twice(open_complaint, handler):
    assert_refused(
        lambda: acknowledge(open_complaint, handler),
        ALREADY_ACKNOWLEDGED,
        complaint=open_complaint,
        error=AlreadyDone,
    )


# --- extend --------------------------------------------------------------------------------


def test_an_extension_within_the_cap_moves_the_due_date_and_keeps_the_original(
    open_complaint, handler
):
    extension = extend(open_complaint, handler, new_due=date(2026, 3, 30))  # 10 working days

    stage = stage_of(open_complaint)
    assert extension.working_days == 10
    assert extension.beyond_cap is False
    assert extension.previous_due == date(2026, 3, 16)
    assert stage.response_due_original == date(2026, 3, 16)
    assert stage.response_due == date(2026, 3, 30)
    assert reload(open_complaint).next_due == date(2026, 3, 30)
    event = last_event(open_complaint)
    assert event.code == "stage.extended"
    assert event.data["original_due"] == "2026-03-16"
    assert event.data["previous_due"] == "2026-03-16"
    assert event.data["new_due"] == "2026-03-30"
    assert event.data["update_interval_days"] == 5


def test_extensions_add_up_from_the_original_due_date(open_complaint, handler):
    extend(open_complaint, handler, new_due=date(2026, 3, 23))  # 5 working days

    assert_refused(
        lambda: extend(open_complaint, handler, new_due=date(2026, 3, 31)),  # 11 in all
        BEYOND_CAP.format(days=11, cap=10, stage=1, provision="6.4"),
        complaint=open_complaint,
        error=RuleBroken,
    )
    second = extend(open_complaint, handler, new_due=date(2026, 3, 30))
    assert second.previous_due == date(2026, 3, 23)
    assert second.working_days == 10
    assert list(Extension.objects.values_list("new_due", flat=True)) == [
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]


def test_going_beyond_the_cap_with_a_good_reason_is_allowed_and_flagged(open_complaint, handler):
    extension = extend(
        open_complaint,
        handler,
        new_due=date(2026, 4, 8),
        good_reason="The specialist damp survey cannot be done sooner.",
    )

    assert extension.beyond_cap is True
    assert extension.good_reason == "The specialist damp survey cannot be done sooner."
    assert last_event(open_complaint).data["beyond_cap"] is True


def test_stage_two_allows_twenty_working_days_more(open_complaint, handler, second_handler):
    complaint = acknowledged(
        at_stage_two(open_complaint, handler), actor=second_handler, handler=second_handler
    )
    # Due 30 March; 20 working days more, over Easter (3 and 6 April), is 29 April.
    assert_refused(
        lambda: extend(complaint, second_handler, new_due=date(2026, 4, 30)),
        BEYOND_CAP.format(days=21, cap=20, stage=2, provision="6.15"),
        complaint=complaint,
        error=RuleBroken,
    )

    extension = extend(complaint, second_handler, new_due=date(2026, 4, 29))

    assert extension.working_days == 20
    assert extension.beyond_cap is False


def test_an_extension_must_move_the_date_later(open_complaint, handler):
    assert_refused(
        lambda: extend(open_complaint, handler, new_due=date(2026, 3, 16)),
        EXTENSION_NOT_LATER,
        complaint=open_complaint,
        error=InvalidInput,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "  ", EXTENSION_NEEDS_REASON),
        ("resident_informed_on", None, RESIDENT_NOT_INFORMED),
        ("update_interval_days", None, NO_UPDATE_INTERVAL),
        ("update_interval_days", 0, NO_UPDATE_INTERVAL),
    ],
)
def test_an_extension_needs_a_reason_the_resident_told_and_an_update_interval(
    open_complaint, handler, field, value, message
):
    assert_refused(
        lambda: extend(open_complaint, handler, **{field: value}),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_the_resident_cannot_be_told_of_an_extension_before_acknowledgement(
    open_complaint, handler
):
    assert_refused(
        lambda: extend(open_complaint, handler, resident_informed_on=date(2026, 2, 27)),
        INFORMED_BEFORE_ACK,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_an_unacknowledged_complaint_cannot_be_extended(complaint, handler):
    assert_refused(
        lambda: services.stage_extend(
            stage=stage_of(complaint),
            new_due=date(2026, 3, 20),
            reason="Busy.",
            resident_informed_on=MONDAY,
            update_interval_days=5,
            actor=handler,
        ),
        TransitionNotAllowed(State.RECEIVED, Action.EXTEND).message,
        complaint=complaint,
        error=TransitionRefused,
    )


# --- respond -------------------------------------------------------------------------------


def test_a_stage_one_response_decides_every_point_and_records_the_follow_ups(
    open_complaint, handler
):
    data = response_input(
        open_complaint,
        remedies=[apology(), compensation("150.00")],
        actions=[roof_repair(owner=handler), roof_repair()],
        learning="Log callbacks in the repairs system.",
    )

    response = respond(open_complaint, handler, data=data)

    complaint = reload(open_complaint)
    assert complaint.status == State.STAGE1_RESPONDED
    assert complaint.next_due is None
    assert stage_of(complaint).responded_on == MONDAY
    assert response.author == handler
    assert response.decisions.count() == 2
    assert Remedy.objects.get(remedy_type="financial").amount == Decimal("150.00")
    assert OutstandingAction.objects.filter(owner=handler).count() == 1
    assert OutstandingAction.objects.filter(owner_name="Roofing contractor").count() == 1
    event = last_event(complaint)
    assert event.code == "stage.responded"
    assert event.data["on_time"] is True
    assert [d["point"] for d in event.data["decisions"]] == [1, 2]


def test_the_provision_for_deciding_every_point_comes_from_the_profile(
    open_complaint, handler, monkeypatch
):
    from putright.rules import profile as profiles

    code = profiles.get_profile(open_complaint.profile_code)
    stage_one = replace(code.stage(1), decisions_provision="X.7")
    monkeypatch.setitem(
        profiles.PROFILES, code.code, replace(code, stages=(stage_one, *code.stages[1:]))
    )
    data = response_input(open_complaint, decisions=decisions_for(open_complaint)[:1])

    assert_refused(
        lambda: respond(open_complaint, handler, data=data),
        POINT_WITHOUT_DECISION.format(provision="X.7") + " Missing: point 2.",
        complaint=open_complaint,
        error=RuleBroken,
    )


def test_a_response_must_decide_every_point(open_complaint, handler):
    data = response_input(open_complaint, decisions=decisions_for(open_complaint)[:1])

    assert_refused(
        lambda: respond(open_complaint, handler, data=data),
        POINT_WITHOUT_DECISION.format(provision="6.7") + " Missing: point 2.",
        complaint=open_complaint,
        error=RuleBroken,
    )


def test_a_stage_two_response_must_decide_every_point_under_code_6_18(
    open_complaint, handler, second_handler
):
    complaint = acknowledged(
        at_stage_two(open_complaint, handler), actor=second_handler, handler=second_handler
    )
    data = response_input(complaint, decisions=[])

    assert_refused(
        lambda: respond(complaint, second_handler, data=data),
        POINT_WITHOUT_DECISION.format(provision="6.18") + " Missing: point 1, 2.",
        complaint=complaint,
        error=RuleBroken,
    )


def _with_decision(complaint, index, **changes):
    decisions = decisions_for(complaint)
    decisions[index] = replace(decisions[index], **changes)
    return decisions


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"point": 9}, UNKNOWN_POINT),
        ({"point": 1}, DUPLICATE_DECISION),
        ({"outcome": "sort_of"}, UNKNOWN_OUTCOME),
        ({"reasons": "  "}, DECISION_NEEDS_REASONS),
    ],
)
def test_each_decision_is_on_a_known_point_once_with_an_outcome_and_reasons(
    open_complaint, handler, changes, message
):
    data = response_input(open_complaint, decisions=_with_decision(open_complaint, 1, **changes))

    assert_refused(
        lambda: respond(open_complaint, handler, data=data),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_a_response_needs_an_overall_answer(open_complaint, handler):
    assert_refused(
        lambda: respond(open_complaint, handler, data=response_input(open_complaint, summary="")),
        NO_SUMMARY,
        complaint=open_complaint,
        error=InvalidInput,
    )


@pytest.mark.parametrize(
    ("remedy", "message"),
    [
        (services.RemedyInput("hamper", "A fruit basket.", MONDAY), UNKNOWN_REMEDY_TYPE),
        (services.RemedyInput("apology", " ", MONDAY), REMEDY_NEEDS_WHAT),
        (services.RemedyInput("apology", "Sorry.", None), FOLLOW_UP_NEEDS_DATE),
        (services.RemedyInput("financial", "Money.", MONDAY), FINANCIAL_NEEDS_AMOUNT),
        (
            services.RemedyInput("financial", "Money.", MONDAY, Decimal("0.00")),
            FINANCIAL_NEEDS_AMOUNT,
        ),
        (
            services.RemedyInput("financial", "Money.", MONDAY, Decimal("-5")),
            FINANCIAL_NEEDS_AMOUNT,
        ),
        (
            services.RemedyInput("apology", "Sorry.", MONDAY, Decimal("10")),
            AMOUNT_ONLY_FINANCIAL,
        ),
    ],
)
def test_each_remedy_has_a_known_type_a_description_a_date_and_the_right_amount(
    open_complaint, handler, remedy, message
):
    data = response_input(open_complaint, remedies=[apology(), remedy])

    assert_refused(
        lambda: respond(open_complaint, handler, data=data),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_a_response_without_a_remedy_says_why(open_complaint, handler):
    assert_refused(
        lambda: respond(open_complaint, handler, data=response_input(open_complaint, remedies=[])),
        NO_REMEDY_REASON,
        complaint=open_complaint,
        error=InvalidInput,
    )

    response = respond(
        open_complaint,
        handler,
        data=response_input(
            open_complaint,
            remedies=[],
            no_remedy_reason="The repair was done on time; nothing went wrong.",
        ),
    )
    assert response.no_remedy_reason == "The repair was done on time; nothing went wrong."


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (services.ActionInput("Fix the roof.", MONDAY), ACTION_NEEDS_OWNER),
        (services.ActionInput("Fix the roof.", None, owner_name="Roofer"), FOLLOW_UP_NEEDS_DATE),
    ],
)
def test_each_outstanding_action_has_an_owner_and_a_due_date(
    open_complaint, handler, action, message
):
    data = response_input(open_complaint, actions=[action])

    assert_refused(
        lambda: respond(open_complaint, handler, data=data),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_a_remedy_or_action_cannot_be_due_before_the_response_is_issued(open_complaint, handler):
    yesterday = date(2026, 3, 1)
    for data in (
        response_input(open_complaint, remedies=[apology(due_on=yesterday)]),
        response_input(open_complaint, actions=[roof_repair(due_on=yesterday)]),
    ):
        assert_refused(
            lambda data=data: respond(open_complaint, handler, data=data),
            FOLLOW_UP_BEFORE_RESPONSE,
            complaint=open_complaint,
            error=InvalidInput,
        )


def test_early_resolution_is_a_stage_one_outcome(open_complaint, handler, second_handler):
    response = respond(
        open_complaint, handler, data=response_input(open_complaint, early_resolution=True)
    )
    assert response.early_resolution is True
    assert last_event(open_complaint).summary.startswith("Early resolution")

    complaint = acknowledged(
        escalated(reload(open_complaint), actor=handler),
        actor=second_handler,
        handler=second_handler,
    )
    assert_refused(
        lambda: respond(
            complaint, second_handler, data=response_input(complaint, early_resolution=True)
        ),
        EARLY_RESOLUTION_STAGE_ONE,
        complaint=complaint,
        error=InvalidInput,
    )


def test_a_complaint_cannot_be_answered_before_it_is_acknowledged(complaint, handler):
    assert_refused(
        lambda: respond(complaint, handler),
        TransitionNotAllowed(State.RECEIVED, Action.RESPOND).message,
        complaint=complaint,
        error=TransitionRefused,
    )
    assert "Acknowledge and define the complaint first" in (
        TransitionNotAllowed(State.RECEIVED, Action.RESPOND).message
    )


def test_a_response_cannot_be_dated_before_the_acknowledgement(resident, handler):
    complaint = acknowledged(
        received(resident=resident, actor=handler, on=date(2026, 2, 23)),
        actor=handler,
        on=date(2026, 2, 25),
    )

    assert_refused(
        lambda: respond(complaint, handler, issued_on=date(2026, 2, 24)),
        RESPONSE_BEFORE_ACK,
        complaint=complaint,
        error=InvalidInput,
    )
    assert Response.objects.count() == 0


def test_a_response_within_the_original_deadline_is_met(open_complaint, handler, time_machine):
    travel(time_machine, date(2026, 3, 16))
    responded(open_complaint, actor=handler)

    clock = response_clock(open_complaint, on=date(2026, 4, 1))
    assert clock.status == ClockStatus.MET
    assert clock.timeliness == Timeliness.ORIGINAL


def test_a_response_after_the_deadline_is_missed_and_late(open_complaint, handler, time_machine):
    travel(time_machine, date(2026, 3, 17))
    responded(open_complaint, actor=handler)

    clock = response_clock(open_complaint, on=date(2026, 4, 1))
    assert clock.status == ClockStatus.MISSED
    assert clock.timeliness == Timeliness.LATE
    assert last_event(open_complaint).data["on_time"] is False


def test_a_response_within_an_extension_is_met_within_the_extension(
    open_complaint, handler, time_machine
):
    extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
    travel(time_machine, date(2026, 3, 20))
    responded(open_complaint, actor=handler)

    clock = response_clock(open_complaint, on=date(2026, 4, 1))
    assert clock.status == ClockStatus.MET
    assert clock.timeliness == Timeliness.EXTENDED
    assert clock.original_due == date(2026, 3, 16)
    assert clock.due == date(2026, 3, 30)


def test_a_response_within_an_extension_beyond_the_cap_with_a_good_reason_is_within_the_code(
    open_complaint, handler, time_machine
):
    # Acknowledged Mon 2 Mar 2026: due Mon 16 Mar; the cap is 10 working days later, Mon 30
    # Mar. Extended to Wed 8 Apr with a good reason, answered Wed 1 Apr: after the cap, within
    # the extension, so within the Code's timescales (Code 6.4 caps only "without good reason").
    extended(
        open_complaint,
        actor=handler,
        new_due=date(2026, 4, 8),
        good_reason="The specialist survey could not be done sooner.",
    )
    travel(time_machine, date(2026, 4, 1))
    responded(open_complaint, actor=handler)

    clock = response_clock(open_complaint, on=date(2026, 4, 10))
    assert clock.status == ClockStatus.MET
    assert clock.cap_due == date(2026, 3, 30)
    assert clock.timeliness == Timeliness.EXTENDED_GOOD_REASON


# --- escalate ------------------------------------------------------------------------------


def test_escalation_needs_no_reason_and_starts_stage_two(open_complaint, handler):
    complaint = responded(open_complaint, actor=handler)

    stage = services.complaint_escalate(complaint=complaint, actor=None, actor_label="Rosa Bell")

    complaint = reload(complaint)
    assert complaint.status == State.STAGE2_REQUESTED
    assert complaint.current_stage == 2
    assert complaint.handler is None
    assert stage.number == 2
    assert stage.requested_on == MONDAY
    assert stage.ack_due == date(2026, 3, 9)
    assert stage.escalation_reason == ""
    assert complaint.next_due == date(2026, 3, 9)
    event = last_event(complaint)
    assert event.code == "complaint.escalated"
    assert event.who == "Rosa Bell"


def test_stage_two_cannot_be_answered_until_someone_else_is_assigned(
    open_complaint, handler, second_handler
):
    complaint = at_stage_two(open_complaint, handler)
    stage = stage_of(complaint, 2)
    services.stage_acknowledge(
        stage=stage,
        points=[],
        outcomes_sought="A fair review",
        responsible_for="Repairs",
        actor=handler,
    )
    stage = stage_of(reload(complaint), 2)
    assert stage.handler is None

    assert_refused(
        lambda: services.stage_respond(
            stage=stage, data=response_input(complaint), actor=second_handler
        ),
        STAGE_TWO_UNASSIGNED,
        complaint=complaint,
        error=RuleBroken,
    )


def test_a_complaint_cannot_be_escalated_twice(open_complaint, handler):
    complaint = at_stage_two(open_complaint, handler)

    assert_refused(
        lambda: services.complaint_escalate(complaint=complaint, actor=handler),
        ALREADY_ESCALATED_TO_STAGE_TWO,
        complaint=complaint,
        error=AlreadyDone,
    )


def test_a_complaint_closed_after_stage_one_can_still_be_escalated(open_complaint, handler):
    complaint = responded(open_complaint, actor=handler)
    services.complaint_close(complaint=complaint, reason="Resident satisfied.", actor=handler)

    complaint = escalated(reload(complaint), actor=handler)

    assert complaint.status == State.STAGE2_REQUESTED
    assert complaint.closed_on is None


def test_a_complaint_closed_after_stage_two_goes_to_the_ombudsman_not_stage_three(
    open_complaint, handler, second_handler
):
    complaint = acknowledged(
        at_stage_two(open_complaint, handler), actor=second_handler, handler=second_handler
    )
    complaint = responded(complaint, actor=second_handler)
    services.complaint_close(complaint=complaint, reason="Final response sent.", actor=handler)
    complaint = reload(complaint)

    assert_refused(
        lambda: services.complaint_escalate(complaint=complaint, actor=handler),
        ALREADY_ESCALATED,
        complaint=complaint,
        error=RuleBroken,
    )


def test_escalation_cannot_be_dated_before_the_stage_one_response(resident, handler):
    complaint = responded(
        acknowledged(
            received(resident=resident, actor=handler, on=date(2026, 2, 16)),
            actor=handler,
            on=date(2026, 2, 16),
        ),
        actor=handler,
        on=date(2026, 2, 25),
    )

    assert_refused(
        lambda: services.complaint_escalate(
            complaint=complaint, actor=handler, requested_on=date(2026, 2, 24)
        ),
        ESCALATION_BEFORE_RESPONSE,
        complaint=complaint,
        error=InvalidInput,
    )


# --- assign (Code 6.13) --------------------------------------------------------------------


def test_stage_two_goes_to_someone_other_than_the_stage_one_handler(
    open_complaint, handler, second_handler, officer
):
    complaint = at_stage_two(open_complaint, handler)

    assert_refused(
        lambda: services.stage_assign(
            conflict="none", stage=stage_of(complaint), handler=handler, actor=officer
        ),
        SAME_HANDLER,
        complaint=complaint,
        error=RuleBroken,
    )
    services.stage_assign(
        conflict="none", stage=stage_of(complaint), handler=second_handler, actor=officer
    )

    assert reload(complaint).handler == second_handler
    assert stage_of(complaint).handler == second_handler
    assert last_event(complaint).code == "stage.assigned"
    assert last_event(complaint).data == {
        "handler": "hannah",
        "previous": None,
        "conflict": "none",
        "conflict_detail": "",
        "conflict_override_reason": "",
    }


def test_stage_two_cannot_be_acknowledged_for_the_stage_one_handler(
    open_complaint, handler, officer
):
    complaint = at_stage_two(open_complaint, handler)

    assert_refused(
        lambda: acknowledge(complaint, officer, points=[], handler=handler),
        SAME_HANDLER,
        complaint=complaint,
        error=RuleBroken,
    )


def test_stage_two_refuses_whoever_answered_stage_one_even_after_a_reassignment(
    open_complaint, handler, second_handler, officer
):
    complaint = responded(open_complaint, actor=handler)  # Hamid wrote the stage 1 response
    services.stage_assign(
        conflict="none", stage=stage_of(complaint), handler=second_handler, actor=officer
    )
    complaint = escalated(complaint, actor=handler)

    assert_refused(
        lambda: services.stage_assign(
            conflict="none", stage=stage_of(complaint), handler=handler, actor=officer
        ),
        SAME_HANDLER,
        complaint=complaint,
        error=RuleBroken,
    )


def test_a_read_only_viewer_cannot_handle_a_stage(complaint, viewer, officer):
    assert_refused(
        lambda: services.stage_assign(
            conflict="none", stage=stage_of(complaint), handler=viewer, actor=officer
        ),
        NOT_A_CASE_WORKER,
        complaint=complaint,
        error=InvalidInput,
    )
    assert_refused(
        lambda: acknowledge(complaint, officer, handler=viewer),
        NOT_A_CASE_WORKER,
        complaint=complaint,
        error=InvalidInput,
    )


# --- stage 2 -------------------------------------------------------------------------------


def test_the_stage_one_handler_cannot_write_the_stage_two_response(
    open_complaint, handler, second_handler
):
    complaint = acknowledged(
        at_stage_two(open_complaint, handler), actor=second_handler, handler=second_handler
    )

    assert_refused(
        lambda: services.stage_respond(
            stage=stage_of(complaint, 2), data=response_input(complaint), actor=handler
        ),
        STAGE_ONE_PERSON_RESPONDS,
        complaint=complaint,
        error=RuleBroken,
    )


def test_the_stage_two_response_is_the_final_response(open_complaint, handler, second_handler):
    complaint = acknowledged(
        at_stage_two(open_complaint, handler), actor=second_handler, handler=second_handler
    )

    complaint = responded(complaint, actor=second_handler, remedies=[compensation("250.00")])

    assert complaint.status == State.STAGE2_RESPONDED
    assert complaint.next_due is None
    assert stage_of(complaint, 2).responded_on == MONDAY
    assert "final response" in last_event(complaint).summary
    assert Response.objects.count() == 2
