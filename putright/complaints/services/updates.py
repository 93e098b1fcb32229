"""Keeping the resident informed: while an extended stage is unanswered (Code 5.9), and while
a long-running outstanding action is not yet done (Code 6.6 / 6.17, at its agreed interval).

The extension agreed an interval; ``Stage.update_due`` says when the next update is owed
(``deadlines.stage_update_due``, from ``rules.clocks.update_due``). Sending one records
``stage.update_sent``; the letters app hears it and produces the update letter through its
gate and outbox, so this module never imports letters. The next update is then due one
interval after today. ``action.update_sent`` does the same for an outstanding action.
"""

from datetime import date
from typing import Any

from django.db import transaction

from putright.complaints.models import OutstandingAction, Stage
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    guard,
    lock_complaint,
    lock_stage,
    record_event,
    refresh_next_due,
)
from putright.core.clock import today
from putright.core.errors import AlreadyDone, RuleBroken
from putright.core.validation import require_text
from putright.rules.workflow import Action

UPDATE_NEEDS_PROGRESS = "Say what has happened since the resident was last told (Code 5.9)."
NO_UPDATE_OWED = (
    "No update is owed on this stage: only an extended stage that is not yet answered has an "
    "agreed update interval (Code 5.9)."
)
NOT_CURRENT_STAGE = "Updates are sent on the complaint's current stage."


@transaction.atomic
def stage_update_send(*, stage: Stage, progress: str, actor: Any) -> Stage:
    """Tell the resident how their extended complaint is going; the next update is due one
    agreed interval after today."""
    stage = lock_stage(stage)
    complaint = stage.complaint
    guard(complaint, Action.SEND_UPDATE)
    if stage.number != complaint.current_stage:
        raise RuleBroken(NOT_CURRENT_STAGE)
    progress = require_text(progress, "progress", UPDATE_NEEDS_PROGRESS)
    if stage.update_due is None:
        raise RuleBroken(NO_UPDATE_OWED, provision="5.9")
    was_due = stage.update_due
    stage.last_update_on = today()
    stage.save(update_fields=["last_update_on"])
    refresh_next_due(complaint, stage)
    complaint.save(update_fields=[*CLOCK_FIELDS])  # the next update due, for the queue
    record_event(
        complaint,
        "stage.update_sent",
        f"Stage {stage.number} update sent to the resident; next update due "
        f"{stage.update_due:%-d %B %Y}",
        actor=actor,
        stage=stage.number,
        data={
            "progress": progress,
            "was_due": was_due,
            "next_update": stage.update_due,
        },
    )
    return stage


ACTION_DONE = "This action is done: the resident has had the completion letter."
NO_ACTION_INTERVAL = (
    "No update interval was agreed for this action, so no update is scheduled (Code 6.6 / 6.17)."
)


@transaction.atomic
def action_update_send(*, action: OutstandingAction, progress: str, actor: Any) -> date:
    """Tell the resident how a long-running outstanding action is going; returns the day the
    next update is due (one agreed interval after today)."""
    from putright.complaints.calendar import landlord_history
    from putright.complaints.deadlines import action_update_due

    lock_complaint(action.complaint)  # the complaint first, always
    action = OutstandingAction.objects.select_related("response", "complaint").get(pk=action.pk)
    if action.completed_on is not None:
        raise AlreadyDone(ACTION_DONE)
    progress = require_text(progress, "progress", UPDATE_NEEDS_PROGRESS)
    if not action.update_interval_days:
        raise RuleBroken(NO_ACTION_INTERVAL, provision="6.6")
    was_due = action_update_due(action, on=today(), history=landlord_history())
    action.last_update_on = today()
    action.save(update_fields=["last_update_on"])
    next_update = action_update_due(action, on=today(), history=landlord_history())
    if next_update is None:  # not reached: an open action with an interval always has one
        raise RuleBroken(NO_ACTION_INTERVAL, provision="6.6")
    record_event(
        action.complaint,
        "action.update_sent",
        f"Update on an outstanding action sent to the resident; next due {next_update:%-d %B %Y}",
        actor=actor,
        data={
            "action": action.pk,
            "action_description": action.description,
            "progress": progress,
            "was_due": was_due,
            "next_update": next_update,
        },
    )
    return next_update
