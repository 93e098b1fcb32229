"""Every row of the transition table, and every move the table forbids."""

import pytest

from putright.rules.workflow import (
    ACTION_LABELS,
    OPEN_STATES,
    STATE_LABELS,
    TRANSITIONS,
    Action,
    State,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
    stage_of,
)

S = State
A = Action
_EVERY_STATE = list(State)
_WHILE_OPEN = [
    S.RECEIVED,
    S.STAGE1_OPEN,
    S.STAGE1_RESPONDED,
    S.STAGE2_REQUESTED,
    S.STAGE2_OPEN,
    S.STAGE2_RESPONDED,
]

# Written out independently of the module so that a change to the table fails here.
EXPECTED: dict[tuple[Action, State], State] = {
    (A.EXCLUDE, S.RECEIVED): S.EXCLUDED,
    (A.EXCLUDE, S.STAGE2_REQUESTED): S.EXCLUDED,
    (A.REINSTATE, S.EXCLUDED): S.RECEIVED,
    (A.ACKNOWLEDGE, S.RECEIVED): S.STAGE1_OPEN,
    (A.ACKNOWLEDGE, S.STAGE2_REQUESTED): S.STAGE2_OPEN,
    (A.ADD_POINTS, S.RECEIVED): S.RECEIVED,
    (A.ADD_POINTS, S.STAGE1_OPEN): S.STAGE1_OPEN,
    (A.EXTEND, S.STAGE1_OPEN): S.STAGE1_OPEN,
    (A.EXTEND, S.STAGE2_OPEN): S.STAGE2_OPEN,
    (A.SEND_UPDATE, S.STAGE1_OPEN): S.STAGE1_OPEN,
    (A.SEND_UPDATE, S.STAGE2_OPEN): S.STAGE2_OPEN,
    (A.RESPOND, S.STAGE1_OPEN): S.STAGE1_RESPONDED,
    (A.RESPOND, S.STAGE2_OPEN): S.STAGE2_RESPONDED,
    (A.ESCALATE, S.STAGE1_RESPONDED): S.STAGE2_REQUESTED,
    (A.ESCALATE, S.CLOSED): S.STAGE2_REQUESTED,
    (A.CLOSE, S.STAGE1_RESPONDED): S.CLOSED,
    (A.CLOSE, S.STAGE2_RESPONDED): S.CLOSED,
    (A.WITHDRAW, S.RECEIVED): S.WITHDRAWN,
    (A.WITHDRAW, S.STAGE1_OPEN): S.WITHDRAWN,
    (A.WITHDRAW, S.STAGE2_REQUESTED): S.WITHDRAWN,
    (A.WITHDRAW, S.STAGE2_OPEN): S.WITHDRAWN,
    **{(A.ASSIGN, state): state for state in _WHILE_OPEN},
    **{(A.ADD_NOTE, state): state for state in _EVERY_STATE},
    **{(A.COMPLETE_REMEDY, state): state for state in _EVERY_STATE},
    **{(A.REFER_TO_OMBUDSMAN, state): state for state in _EVERY_STATE},
}

_FORBIDDEN = [
    (action, state) for action in Action for state in State if (action, state) not in EXPECTED
]


@pytest.mark.parametrize(("action", "state"), list(EXPECTED))
def test_each_allowed_transition_moves_to_the_expected_state(action: Action, state: State) -> None:
    assert next_state(state, action) is EXPECTED[(action, state)]
    assert action in allowed_actions(state)


@pytest.mark.parametrize(("action", "state"), _FORBIDDEN)
def test_each_forbidden_transition_raises_a_readable_error(action: Action, state: State) -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        next_state(state, action)
    assert caught.value.state is state
    assert caught.value.action is action
    assert str(caught.value).startswith("Cannot ")
    assert "the complaint is" in str(caught.value)
    assert action not in allowed_actions(state)


def test_responding_before_acknowledging_explains_what_to_do_first() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        next_state(S.RECEIVED, A.RESPOND)
    assert str(caught.value) == (
        "Cannot respond: the complaint is Received (not yet acknowledged)."
        " Acknowledge and define the complaint first (Code 6.2)."
    )


def test_new_points_after_the_stage_one_response_become_a_new_complaint() -> None:
    with pytest.raises(TransitionNotAllowed, match=r"new complaint \(Code 6\.8\)"):
        next_state(S.STAGE1_RESPONDED, A.ADD_POINTS)


def test_a_withdrawn_complaint_cannot_be_escalated() -> None:
    with pytest.raises(
        TransitionNotAllowed, match=r"^Cannot escalate: the complaint is Withdrawn\.$"
    ):
        next_state(S.WITHDRAWN, A.ESCALATE)


def test_there_is_no_early_resolution_shortcut_from_received_to_responded() -> None:
    assert A.RESPOND not in allowed_actions(S.RECEIVED)


def test_the_table_has_no_duplicate_rows_and_covers_every_action() -> None:
    pairs = [(t.action, state) for t in TRANSITIONS for state in t.from_states]
    assert len(pairs) == len(set(pairs)) == len(EXPECTED)
    assert {t.action for t in TRANSITIONS} == set(Action)


def test_notes_can_be_added_in_every_state_so_no_state_is_a_dead_end() -> None:
    for state in State:
        assert A.ADD_NOTE in allowed_actions(state)


def test_only_withdrawn_complaints_allow_nothing_beyond_record_keeping() -> None:
    record_keeping = {A.ADD_NOTE, A.COMPLETE_REMEDY, A.REFER_TO_OMBUDSMAN}
    dead_ends = [state for state in State if allowed_actions(state) <= record_keeping]
    assert dead_ends == [S.WITHDRAWN]


def test_clocks_run_only_in_the_open_states() -> None:
    assert {S.RECEIVED, S.STAGE1_OPEN, S.STAGE2_REQUESTED, S.STAGE2_OPEN} == OPEN_STATES


@pytest.mark.parametrize(
    ("state", "stage"),
    [
        (S.RECEIVED, 1),
        (S.STAGE1_OPEN, 1),
        (S.STAGE1_RESPONDED, 1),
        (S.STAGE2_REQUESTED, 2),
        (S.STAGE2_OPEN, 2),
        (S.STAGE2_RESPONDED, 2),
        (S.EXCLUDED, None),
        (S.CLOSED, None),
        (S.WITHDRAWN, None),
    ],
)
def test_each_state_belongs_to_its_stage(state: State, stage: int | None) -> None:
    assert stage_of(state) == stage


def test_every_state_and_action_has_a_label() -> None:
    assert set(STATE_LABELS) == set(State)
    assert set(ACTION_LABELS) == set(Action)
    assert STATE_LABELS[S.RECEIVED] == "Received \N{EN DASH} awaiting acknowledgement"
    assert STATE_LABELS[S.STAGE2_RESPONDED] == "Stage 2 \N{EN DASH} final response sent"
    assert STATE_LABELS[S.EXCLUDED] == "Not accepted"


def test_states_and_actions_are_stored_as_plain_strings() -> None:
    assert S.STAGE2_OPEN.value == "stage2_open"
    assert A.REFER_TO_OMBUDSMAN.value == "refer_to_ombudsman"
    assert isinstance(S.STAGE2_OPEN, str)


def test_two_transitions_for_one_action_from_one_state_are_refused_when_the_table_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from putright.rules import workflow

    twice = workflow.Transition(A.ESCALATE, frozenset({S.STAGE1_RESPONDED}), S.CLOSED)
    monkeypatch.setattr(workflow, "TRANSITIONS", (*TRANSITIONS, twice))
    with pytest.raises(ValueError, match=r"Two transitions for .* from .*"):
        workflow._build_table()


def test_escalation_is_not_allowed_from_the_last_stage_but_is_before_it() -> None:
    from putright.rules.workflow import allowed_actions as allowed

    assert A.ESCALATE in allowed(S.CLOSED)
    assert A.ESCALATE not in allowed(S.CLOSED, at_last_stage=True)
    assert A.ESCALATE not in allowed(S.STAGE1_RESPONDED, at_last_stage=True)
    # Only escalation needs a later stage: everything else stays as the table says.
    assert allowed(S.CLOSED) - allowed(S.CLOSED, at_last_stage=True) == {A.ESCALATE}


@pytest.mark.parametrize(
    ("state", "stage", "assigned", "expected"),
    [
        (S.RECEIVED, 1, False, (A.ACKNOWLEDGE,)),
        (S.STAGE1_OPEN, 1, True, (A.RESPOND,)),
        (S.STAGE1_OPEN, 1, False, (A.RESPOND,)),
        (S.STAGE1_RESPONDED, 1, True, (A.CLOSE,)),
        (S.STAGE2_REQUESTED, 2, False, (A.ACKNOWLEDGE,)),
        (S.STAGE2_OPEN, 2, False, (A.ASSIGN, A.RESPOND)),
        (S.STAGE2_OPEN, 2, True, (A.RESPOND,)),
        (S.STAGE2_RESPONDED, 2, True, (A.CLOSE,)),
        (S.CLOSED, 2, True, ()),
        (S.WITHDRAWN, 1, True, ()),
        (S.EXCLUDED, 1, False, ()),
    ],
)
def test_the_next_step_is_what_the_code_expects_in_each_state(
    state: State, stage: int, assigned: bool, expected: tuple[Action, ...]
) -> None:
    from putright.rules.workflow import next_steps

    assert next_steps(state, stage=stage, assigned=assigned) == expected
    # The expected step is always one the table allows.
    assert set(expected) <= allowed_actions(state)
