"""Landlord closure days, in time.

A closure records the day it was decided; removing one withdraws it on the day it is removed.
The one clock (``rules.clocks``) counts each deadline with the closures standing when its result
settled, so a closure added or removed later never changes a settled result (a response already
sent, a reporting year already closed). It moves only deadlines still open, and each open
deadline it moves is an event on that case.

A closure for a day already past is accepted (an emergency closure is often recorded the next
morning) and shown as "decided after the day": it moves open deadlines that span it and nothing
that had settled by the day it was recorded.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from putright.complaints import tallies
from putright.complaints.models import NonWorkingDay, Stage
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    lock_stage,
    record_event,
    refresh_next_due,
)
from putright.core.clock import today
from putright.core.errors import InvalidInput
from putright.rules.workflow import OPEN_STATES

CLOSURE_EXISTS = "That day is already a closure."
CLOSURE_NEEDS_REASON = "Say why the office is closed that day."
CLOSURE_ALREADY_WITHDRAWN = "That closure has already been removed."


@transaction.atomic
def closure_add(*, day: date, reason: str, actor: Any) -> NonWorkingDay:
    """Add a closure day, decided today, and move the open deadlines that run across it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(CLOSURE_NEEDS_REASON, field="reason")
    # Lock the standing closures so two people adding the same day cannot both succeed.
    if (
        NonWorkingDay.objects.select_for_update()
        .filter(day=day, withdrawn_on__isnull=True)
        .exists()
    ):
        raise InvalidInput(CLOSURE_EXISTS, field="day")
    closure = NonWorkingDay.objects.create(day=day, reason=reason, decided_on=today())
    deadlines_recount(actor=actor, why=f"Closure added: {day:%-d %B %Y} ({reason})")
    return closure


@transaction.atomic
def closure_remove(*, closure: NonWorkingDay, actor: Any) -> NonWorkingDay:
    """Withdraw a closure day from today and move the open deadlines back. The row stays:
    results settled while it stood were counted with it and keep it."""
    closure = NonWorkingDay.objects.select_for_update().get(pk=closure.pk)
    if closure.withdrawn_on is not None:
        raise InvalidInput(CLOSURE_ALREADY_WITHDRAWN, field="day")
    closure.withdrawn_on = today()
    closure.save(update_fields=["withdrawn_on"])
    deadlines_recount(
        actor=actor, why=f"Closure removed: {closure.day:%-d %B %Y} ({closure.reason})"
    )
    return closure


@transaction.atomic
def deadlines_recount(*, actor: Any, why: str) -> int:
    """Rewrite, from the one clock, the stored deadlines of every stage a closure decided today
    can reach: open, unanswered current stages, and steps settled today (a closure recorded
    this morning counts for a response sent this afternoon, as the clock counts it).

    Results settled before today cannot move (the clock counts them with the calendar of their
    day); an extended date was agreed with the resident and stays. Each moved case gets one
    event. Returns how many moved.
    """
    on = today()
    moved = 0
    stages = (
        Stage.objects.select_related("complaint")
        .filter(
            Q(
                complaint__status__in=[s.value for s in OPEN_STATES],
                responded_on__isnull=True,
                number=F("complaint__current_stage"),
            )
            | Q(acknowledged_on=on)
            | Q(responded_on=on)
            | Q(complaint__closed_on=on)
            | Q(extensions__agreed_on=on)
        )
        .distinct()
        .order_by("id")
    )
    for listed in stages:
        # Re-read under the complaint's lock: a stage acknowledged or answered since the list
        # was read is counted by the one clock from what it now holds.
        stage = lock_stage(listed)
        complaint = stage.complaint
        changes = refresh_next_due(complaint, stage)
        if not changes:
            continue
        complaint.save(update_fields=[*CLOCK_FIELDS])
        record_event(
            complaint,
            "stage.deadline_moved",
            why,
            actor=actor,
            stage=stage.number,
            data={k: {"from": old, "to": new} for k, (old, new) in changes.items()},
        )
        moved += 1
    tallies.fold_after_bulk(moved)
    return moved
