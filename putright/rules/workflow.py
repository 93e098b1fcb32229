"""Complaint states and the explicit table of which action may move a complaint where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "ACTION_LABELS",
    "NEXT_STEPS",
    "OPEN_STATES",
    "STATE_LABELS",
    "TRANSITIONS",
    "Action",
    "State",
    "Transition",
    "TransitionNotAllowed",
    "allowed_actions",
    "next_state",
    "next_steps",
    "stage_of",
]


class State(StrEnum):
    RECEIVED = "received"
    EXCLUDED = "excluded"
    STAGE1_OPEN = "stage1_open"
    STAGE1_RESPONDED = "stage1_responded"
    STAGE2_REQUESTED = "stage2_requested"
    STAGE2_OPEN = "stage2_open"
    STAGE2_RESPONDED = "stage2_responded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    EXCLUDE = "exclude"
    REINSTATE = "reinstate"
    ACKNOWLEDGE = "acknowledge"
    ADD_POINTS = "add_points"
    EXTEND = "extend"
    RESPOND = "respond"
    ESCALATE = "escalate"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    ASSIGN = "assign"
    ADD_NOTE = "add_note"
    COMPLETE_REMEDY = "complete_remedy"
    REFER_TO_OMBUDSMAN = "refer_to_ombudsman"
    SEND_UPDATE = "send_update"


@dataclass(frozen=True)
class Transition:
    """An action allowed from any of `from_states`; `to_state` None leaves the state as it is."""

    action: Action
    from_states: frozenset[State]
    to_state: State | None
    # Only while a later stage exists: there is no stage after the last (Code 5.2).
    needs_later_stage: bool = False


STATE_LABELS: Mapping[State, str] = MappingProxyType(
    {
        State.RECEIVED: "Received \N{EN DASH} awaiting acknowledgement",
        State.EXCLUDED: "Not accepted",
        State.STAGE1_OPEN: "Stage 1 \N{EN DASH} under investigation",
        State.STAGE1_RESPONDED: "Stage 1 \N{EN DASH} response sent",
        State.STAGE2_REQUESTED: "Stage 2 \N{EN DASH} escalation requested",
        State.STAGE2_OPEN: "Stage 2 \N{EN DASH} under investigation",
        State.STAGE2_RESPONDED: "Stage 2 \N{EN DASH} final response sent",
        State.CLOSED: "Closed",
        State.WITHDRAWN: "Withdrawn",
    }
)

ACTION_LABELS: Mapping[Action, str] = MappingProxyType(
    {
        Action.EXCLUDE: "Do not accept",
        Action.REINSTATE: "Reinstate",
        Action.ACKNOWLEDGE: "Acknowledge",
        Action.ADD_POINTS: "Add points",
        Action.EXTEND: "Extend the deadline",
        Action.RESPOND: "Send the response",
        Action.ESCALATE: "Escalate to stage 2",
        Action.CLOSE: "Close",
        Action.WITHDRAW: "Record withdrawal",
        Action.ASSIGN: "Assign",
        Action.ADD_NOTE: "Add a note",
        Action.COMPLETE_REMEDY: "Complete a remedy",
        Action.REFER_TO_OMBUDSMAN: "Record an Ombudsman referral",
        Action.SEND_UPDATE: "Send an update",
    }
)

# What "Cannot <verb>: the complaint is <phrase>." says, for error messages.
_ACTION_VERBS: Mapping[Action, str] = MappingProxyType(
    {
        Action.EXCLUDE: "refuse to accept the complaint",
        Action.REINSTATE: "reinstate",
        Action.ACKNOWLEDGE: "acknowledge",
        Action.ADD_POINTS: "add points",
        Action.EXTEND: "extend",
        Action.RESPOND: "respond",
        Action.ESCALATE: "escalate",
        Action.CLOSE: "close",
        Action.WITHDRAW: "withdraw",
        Action.ASSIGN: "assign",
        Action.ADD_NOTE: "add a note",
        Action.COMPLETE_REMEDY: "complete a remedy",
        Action.REFER_TO_OMBUDSMAN: "record an Ombudsman referral",
        Action.SEND_UPDATE: "send an update",
    }
)

_STATE_PHRASES: Mapping[State, str] = MappingProxyType(
    {
        State.RECEIVED: "Received (not yet acknowledged)",
        State.EXCLUDED: "Not accepted",
        State.STAGE1_OPEN: "at Stage 1 (under investigation)",
        State.STAGE1_RESPONDED: "at Stage 1 (response sent)",
        State.STAGE2_REQUESTED: "awaiting Stage 2 acknowledgement",
        State.STAGE2_OPEN: "at Stage 2 (under investigation)",
        State.STAGE2_RESPONDED: "at Stage 2 (final response sent)",
        State.CLOSED: "Closed",
        State.WITHDRAWN: "Withdrawn",
    }
)

# Extra words where the bare refusal would leave staff asking "so what do I do?".
_HINTS: Mapping[tuple[Action, State], str] = MappingProxyType(
    {
        (Action.ADD_POINTS, State.STAGE1_RESPONDED): (
            " New points raised after the stage 1 response are a new complaint (Code 6.8)."
        ),
        (Action.ADD_POINTS, State.STAGE2_OPEN): (
            " New points raised at stage 2 are a new complaint (Code 6.8)."
        ),
        (Action.RESPOND, State.RECEIVED): (
            " Acknowledge and define the complaint first (Code 6.2)."
        ),
        (Action.RESPOND, State.STAGE2_REQUESTED): (
            " Acknowledge and define the stage 2 complaint first (Code 6.11)."
        ),
    }
)

_ALL_STATES = frozenset(State)
_OPEN_FOR_ASSIGNMENT = frozenset(
    {
        State.RECEIVED,
        State.STAGE1_OPEN,
        State.STAGE1_RESPONDED,
        State.STAGE2_REQUESTED,
        State.STAGE2_OPEN,
        State.STAGE2_RESPONDED,
    }
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.EXCLUDE, frozenset({State.RECEIVED}), State.EXCLUDED),  # Code 2.2, 2.4
    # Refusing to escalate must rest on the same valid reasons, Code 5.11.
    Transition(Action.EXCLUDE, frozenset({State.STAGE2_REQUESTED}), State.EXCLUDED),
    # The Ombudsman may tell the landlord to take the complaint on, Code 2.4.
    Transition(Action.REINSTATE, frozenset({State.EXCLUDED}), State.RECEIVED),
    Transition(Action.ACKNOWLEDGE, frozenset({State.RECEIVED}), State.STAGE1_OPEN),  # Code 6.2
    Transition(Action.ACKNOWLEDGE, frozenset({State.STAGE2_REQUESTED}), State.STAGE2_OPEN),  # 6.11
    # Related points join the complaint only before the stage 1 response, Code 6.8.
    # Code 6.8: related points join the stage 1 definition until the stage 1 response; points
    # raised before acknowledgement are defined along with the rest when it is acknowledged.
    Transition(Action.ADD_POINTS, frozenset({State.RECEIVED, State.STAGE1_OPEN}), None),
    Transition(Action.EXTEND, frozenset({State.STAGE1_OPEN, State.STAGE2_OPEN}), None),  # 6.4/6.15
    # Keeping the resident informed while an extended stage is unanswered, Code 5.9.
    Transition(Action.SEND_UPDATE, frozenset({State.STAGE1_OPEN, State.STAGE2_OPEN}), None),
    # A response needs an acknowledged definition, so never straight from RECEIVED.
    Transition(Action.RESPOND, frozenset({State.STAGE1_OPEN}), State.STAGE1_RESPONDED),  # 6.3
    Transition(Action.RESPOND, frozenset({State.STAGE2_OPEN}), State.STAGE2_RESPONDED),  # 6.14
    # Never past the last stage; the escalate service names that rule in its refusal.
    Transition(
        Action.ESCALATE,
        frozenset({State.STAGE1_RESPONDED, State.CLOSED}),
        State.STAGE2_REQUESTED,
        needs_later_stage=True,
    ),
    Transition(
        Action.CLOSE, frozenset({State.STAGE1_RESPONDED, State.STAGE2_RESPONDED}), State.CLOSED
    ),
    Transition(
        Action.WITHDRAW,
        frozenset({State.RECEIVED, State.STAGE1_OPEN, State.STAGE2_REQUESTED, State.STAGE2_OPEN}),
        State.WITHDRAWN,
    ),
    Transition(Action.ASSIGN, _OPEN_FOR_ASSIGNMENT, None),
    Transition(Action.ADD_NOTE, _ALL_STATES, None),  # the full record, Code 5.12
    # Remedies are followed to completion whatever the state, Code 7.3.
    Transition(Action.COMPLETE_REMEDY, _ALL_STATES, None),
    # Residents may go to the Ombudsman at any time: a record, not a move.
    Transition(Action.REFER_TO_OMBUDSMAN, _ALL_STATES, None),
)


def _build_table() -> dict[tuple[Action, State], State]:  # pragma: no mutate block
    table: dict[tuple[Action, State], State] = {}
    for transition in TRANSITIONS:
        for state in transition.from_states:
            key = (transition.action, state)
            if key in table:
                raise ValueError(f"Two transitions for {transition.action} from {state}.")
            table[key] = transition.to_state if transition.to_state is not None else state
    return table


_TABLE = _build_table()
_ALLOWED: dict[State, frozenset[Action]] = {
    state: frozenset(action for action, from_state in _TABLE if from_state is state)
    for state in State
}
_NEEDS_LATER_STAGE: frozenset[Action] = frozenset(
    t.action for t in TRANSITIONS if t.needs_later_stage
)

# The step the Code expects next in each state, first choice first; the case page makes the
# first one offered to the user its primary button. Unassigned stage 2 work is allocated
# first: its response must come from someone who did not handle stage 1 (Code 6.13).
NEXT_STEPS: Mapping[State, tuple[Action, ...]] = MappingProxyType(
    {
        State.RECEIVED: (Action.ACKNOWLEDGE,),  # acknowledge and define, Code 6.2
        State.STAGE1_OPEN: (Action.RESPOND,),  # Code 6.3
        State.STAGE1_RESPONDED: (Action.CLOSE,),  # escalation stays open after closing
        State.STAGE2_REQUESTED: (Action.ACKNOWLEDGE,),  # Code 6.11
        State.STAGE2_OPEN: (Action.RESPOND,),  # Code 6.14
        State.STAGE2_RESPONDED: (Action.CLOSE,),
    }
)

OPEN_STATES: frozenset[State] = frozenset(
    {State.RECEIVED, State.STAGE1_OPEN, State.STAGE2_REQUESTED, State.STAGE2_OPEN}
)

_STAGE_OF: Mapping[State, int] = MappingProxyType(
    {
        State.RECEIVED: 1,
        State.STAGE1_OPEN: 1,
        State.STAGE1_RESPONDED: 1,
        State.STAGE2_REQUESTED: 2,
        State.STAGE2_OPEN: 2,
        State.STAGE2_RESPONDED: 2,
    }
)


class TransitionNotAllowed(Exception):
    """An action that the table does not allow from the complaint's current state."""

    def __init__(self, state: State, action: Action) -> None:
        self.state = state
        self.action = action
        self.message = (
            f"Cannot {_ACTION_VERBS[action]}: the complaint is {_STATE_PHRASES[state]}."
            f"{_HINTS.get((action, state), '')}"
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def next_state(state: State, action: Action) -> State:
    try:
        return _TABLE[(action, state)]
    except KeyError:
        raise TransitionNotAllowed(state, action) from None


def allowed_actions(state: State, *, at_last_stage: bool = False) -> frozenset[Action]:
    """What the table allows from `state`; at the last stage, nothing that needs a later one."""
    if at_last_stage:
        return _ALLOWED[state] - _NEEDS_LATER_STAGE
    return _ALLOWED[state]


def next_steps(state: State, *, stage: int, assigned: bool) -> tuple[Action, ...]:
    """The steps the Code expects next, most expected first (empty when nothing is due)."""
    steps = NEXT_STEPS.get(state, ())
    if stage > 1 and not assigned and Action.RESPOND in steps:
        return (Action.ASSIGN, *steps)
    return steps


def stage_of(state: State) -> int | None:
    """1 for received and stage 1 states, 2 for stage 2 states, None otherwise."""
    return _STAGE_OF.get(state)
