"""Landlord closure days: adding or removing one moves the open deadlines it falls within."""

from datetime import date
from typing import Any

from django.db import transaction

from putright.complaints.calendar import landlord_calendar
from putright.complaints.models import NonWorkingDay, Stage
from putright.complaints.services.common import (
    lock_stage,
    profile_for,
    record_event,
    refresh_next_due,
)
from putright.core.errors import InvalidInput
from putright.rules.calendar import add_working_days
from putright.rules.workflow import OPEN_STATES

CLOSURE_EXISTS = "That day is already a closure."
CLOSURE_NEEDS_REASON = "Say why the office is closed that day."


@transaction.atomic
def closure_add(*, day: date, reason: str, actor: Any) -> NonWorkingDay:
    """Add a closure day and move the open deadlines that run across it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(CLOSURE_NEEDS_REASON, field="reason")
    if NonWorkingDay.objects.filter(day=day).exists():
        raise InvalidInput(CLOSURE_EXISTS, field="day")
    closure = NonWorkingDay.objects.create(day=day, reason=reason)
    deadlines_recount(actor=actor, why=f"Closure added: {day:%d %b %Y} ({reason})")
    return closure


@transaction.atomic
def closure_remove(*, closure: NonWorkingDay, actor: Any) -> None:
    """Remove a closure day and move the open deadlines back."""
    why = f"Closure removed: {closure.day:%d %b %Y} ({closure.reason})"
    closure.delete()
    deadlines_recount(actor=actor, why=why)


@transaction.atomic
def deadlines_recount(*, actor: Any, why: str) -> int:
    """Recount the stored deadlines of every open stage under today's calendar.

    Deadlines already met stay as they were; an extended response date was agreed with the
    resident, so it stays too. Each moved deadline is a record event. Returns how many moved.
    """
    cal = landlord_calendar()
    moved = 0
    stages = Stage.objects.select_related("complaint").filter(
        complaint__status__in=[s.value for s in OPEN_STATES], responded_on__isnull=True
    )
    for listed in stages:
        if listed.number != listed.complaint.current_stage:
            continue
        # Re-read under the complaint's lock: a stage acknowledged or answered since the list
        # was read keeps the deadline its own service wrote.
        stage = lock_stage(listed)
        complaint = stage.complaint
        if (
            complaint.state not in OPEN_STATES
            or stage.responded_on is not None
            or stage.number != complaint.current_stage
        ):
            continue
        rule = profile_for(complaint).stage(stage.number)
        changes: dict[str, Any] = {}
        if stage.acknowledged_on is None:
            ack_due = add_working_days(stage.requested_on, rule.ack_limit, calendar=cal)
            if ack_due != stage.ack_due:
                changes["ack_due"] = (stage.ack_due, ack_due)
                stage.ack_due = ack_due
        elif not stage.is_extended:
            due = add_working_days(stage.acknowledged_on, rule.response_limit, calendar=cal)
            if due != stage.response_due:
                changes["response_due"] = (stage.response_due, due)
                stage.response_due_original = stage.response_due = due
        if not changes:
            continue
        stage.save(update_fields=["ack_due", "response_due_original", "response_due"])
        refresh_next_due(complaint, stage)
        complaint.save(update_fields=["next_due"])
        record_event(
            complaint,
            "stage.deadline_moved",
            why,
            actor=actor,
            stage=stage.number,
            data={k: {"from": old, "to": new} for k, (old, new) in changes.items()},
        )
        moved += 1
    return moved
