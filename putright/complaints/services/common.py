"""What every complaint service shares: the record, the workflow guard, the clocks."""

from datetime import date
from typing import Any

from putright.complaints.events import publish
from putright.complaints.models import CaseEvent, Complaint, Stage
from putright.core.clock import today
from putright.core.errors import InvalidInput, TransitionRefused
from putright.rules.profile import CodeProfile, get_profile
from putright.rules.workflow import OPEN_STATES, Action, State, TransitionNotAllowed, next_state

DATE_IN_FUTURE = "The date cannot be in the future."
REQUIRED = "This is required."


def profile_for(complaint: Complaint) -> CodeProfile:
    return get_profile(complaint.profile_code)


def guard(complaint: Complaint, action: Action) -> State:
    """The state the complaint moves to, or TransitionRefused with the rule broken."""
    try:
        return next_state(complaint.state, action)
    except TransitionNotAllowed as exc:
        raise TransitionRefused(str(exc)) from exc


def require_text(value: str, field: str, message: str = REQUIRED) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    return value


def require_past_or_today(value: date, field: str) -> date:
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value


def record_event(
    complaint: Complaint,
    code: str,
    summary: str,
    *,
    actor: Any,
    stage: int | None = None,
    data: dict[str, Any] | None = None,
    happened_on: date | None = None,
    actor_label: str = "",
    corrects: CaseEvent | None = None,
) -> CaseEvent:
    """Append one event to the case record. Staff actors are users; others give a label."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = CaseEvent.objects.create(
        complaint=complaint,
        code=code,
        stage=stage,
        summary=summary[:300],
        data=data or {},
        actor=user,
        actor_label=actor_label if user is None else "",
        happened_on=happened_on or today(),
        corrects=corrects,
    )
    publish(event)
    return event


def current_stage(complaint: Complaint) -> Stage:
    return complaint.stages.get(number=complaint.current_stage)


def refresh_next_due(
    complaint: Complaint, stage: Stage, *, save: bool = True
) -> dict[str, tuple[Any, Any]]:
    """Write the stage's stored due dates and the complaint's next deadline from the one clock
    (``deadlines.stage_clocks``): nothing else writes them. Saves the stage if it is already
    saved and something moved; the caller saves ``complaint.next_due``. Returns what moved."""
    from putright.complaints.calendar import landlord_history
    from putright.complaints.deadlines import stage_clocks

    clocks = stage_clocks(
        stage,
        state=complaint.state,
        on=today(),
        history=landlord_history(),
        profile=profile_for(complaint),
        closed_on=complaint.closed_on,
    )
    wanted = {
        "ack_due": clocks.acknowledgement.due,
        "response_due_original": clocks.response.original_due,
        "response_due": clocks.response.due,
    }
    changes = {
        name: (getattr(stage, name), value)
        for name, value in wanted.items()
        if getattr(stage, name) != value
    }
    for name, (_old, value) in changes.items():
        setattr(stage, name, value)
    if save and changes and stage.pk is not None:
        stage.save(update_fields=list(changes))
    if stage.number == complaint.current_stage:
        complaint.next_due = clocks.current.due if complaint.state in OPEN_STATES else None
    return changes
