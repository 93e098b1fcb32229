"""What every complaint service shares: the record, the workflow guard, the clocks."""

from datetime import date
from typing import Any

from putright.complaints.events import publish
from putright.complaints.models import CaseEvent, Complaint, Stage
from putright.core.clock import today
from putright.core.errors import TransitionRefused
from putright.rules.calendar import WorkingCalendar, add_working_days
from putright.rules.profile import CodeProfile, get_profile
from putright.rules.workflow import OPEN_STATES, Action, State, TransitionNotAllowed, next_state


def profile_for(complaint: Complaint) -> CodeProfile:
    return get_profile(complaint.profile_code)


def guard(complaint: Complaint, action: Action) -> State:
    """The state the complaint moves to, or TransitionRefused with the rule broken."""
    try:
        return next_state(complaint.state, action)
    except TransitionNotAllowed as exc:
        raise TransitionRefused(str(exc)) from exc


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


def refresh_next_due(complaint: Complaint, stage: Stage) -> None:
    """Keep the denormalised next deadline in step with the current stage."""
    if complaint.state not in OPEN_STATES:
        complaint.next_due = None
    elif stage.acknowledged_on is None:
        complaint.next_due = stage.ack_due
    else:
        complaint.next_due = stage.response_due


def ack_due(requested_on: date, *, profile: CodeProfile, number: int, cal: WorkingCalendar) -> date:
    return add_working_days(requested_on, profile.stage(number).ack_limit, calendar=cal)
