"""Landlord closure days, in time.

A closure records the day it was decided; removing one withdraws it on the day it is removed.
The one clock (``rules.clocks``) counts each deadline with the closures standing when its result
settled, so a closure added or removed later never changes a settled result (a response already
sent, a reporting year already closed). It moves only deadlines still open, and each open
deadline it moves is an event on that case.

A closure for a day already past is accepted (an emergency closure is often recorded the next
morning) and shown as "decided after the day": it moves open deadlines that span it and nothing
that had settled by the day it was recorded.

Moving the open deadlines is a recount (``DeadlineRecount``): its first batch in the closure's
own transaction, the rest in short transactions after it (``recount_run``, the task queued on
commit; ``recount_resume_stale``, the scheduler's safety net), so a closure at a million
complaints is saved at once and its moves follow within minutes.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from putright.complaints import tallies
from putright.complaints.models import (
    CaseEvent,
    DeadlineRecount,
    Extension,
    NonWorkingDay,
    Stage,
)
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    lock_stages,
    record_event,
    refresh_next_due,
)
from putright.core import batched
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
    deadlines_recount(
        actor=actor, why=f"Closure added: {day:%-d %B %Y} ({reason})", closure=closure
    )
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
        actor=actor,
        why=f"Closure removed: {closure.day:%-d %B %Y} ({closure.reason})",
        closure=closure,
    )
    return closure


# Stages recounted in one transaction: each is locked (its complaint row) until the commit, so
# a batch holds a few hundred cases (on SQLite, the write lock) for well under a second.
RECOUNT_BATCH = 200
# A recount whose last batch is older than this is taken to have lost its worker.
RECOUNT_STALE_AFTER = batched.STALE_AFTER
SUMMARY_LENGTH = CaseEvent._meta.get_field("summary").max_length


def deadlines_recount(
    *, actor: Any, why: str, closure: NonWorkingDay | None = None
) -> DeadlineRecount:
    """Move, from the one clock, the stored deadlines of every stage a closure decided today
    can reach: open, unanswered current stages, and steps settled today (a closure recorded
    this morning counts for a response sent this afternoon, as the clock counts it).

    Results settled before today cannot move (the clock counts them with the calendar of their
    day); an extended date was agreed with the resident and stays. Each moved case gets one
    event. The first batch is moved now, in the caller's transaction; the rest (a big
    installation's) after the commit, by the task (``recount_run``), so saving a closure never
    holds every open case at once. Returns the recount, with how many moved so far.
    """
    recount = DeadlineRecount.objects.create(why=why, on=today(), actor=actor, closure=closure)
    return batched.started(recount, _recount_batch, _queue_recount)


def _queue_recount() -> None:
    from putright.complaints.tasks import recount_deadlines

    recount_deadlines.enqueue()


def recount_run() -> int:
    """Carry every unfinished recount to its end, oldest first, a batch a transaction.
    Safe to run twice at once or again after a kill: each batch locks its recount and starts
    where the last committed one stopped, and a stage already right moves nothing. Returns
    how many cases moved (``core.batched``)."""
    return batched.run_all(DeadlineRecount, _recount_batch)


def recount_resume_stale(*, now: datetime) -> int:
    """The scheduler's safety net: finish recounts no worker has moved on for a while (the
    worker was stopped mid-way, or the queued task was lost). Returns how many cases moved."""
    return batched.resume_stale(
        DeadlineRecount, now=now, run=recount_run, after=RECOUNT_STALE_AFTER
    )


@transaction.atomic
def _recount_batch(recount_id: int) -> tuple[bool, int]:
    """Recount the next batch of one recount's stages: whether it has finished, and how many
    cases this batch moved."""
    recount = DeadlineRecount.objects.select_for_update().get(pk=recount_id)
    if recount.finished_at is not None:
        return True, 0
    moved_before = recount.moved
    on = recount.on
    # Every change still being recounted is in the calendar the clock reads now, so a case
    # moved now may be moved by any of them: the record names them all.
    why = _summary(
        DeadlineRecount.objects.filter(finished_at__isnull=True)
        .order_by("id")
        .values_list("why", flat=True)
    )
    listed = list(
        Stage.objects.filter(
            Q(
                complaint__status__in=[s.value for s in OPEN_STATES],
                responded_on__isnull=True,
                number=F("complaint__current_stage"),
            )
            | Q(acknowledged_on=on)
            | Q(responded_on=on)
            | Q(complaint__closed_on=on)
            | Q(id__in=Extension.objects.filter(agreed_on=on).values("stage_id")),
            id__gt=recount.after_stage,
        )
        .order_by("id")
        .values_list("id", flat=True)[:RECOUNT_BATCH]
    )
    # Read again under the complaints' locks: a stage acknowledged or answered since the list
    # was read is counted by the one clock from what it now holds.
    for stage in lock_stages(listed):
        complaint = stage.complaint
        changes = refresh_next_due(complaint, stage)
        if not changes:
            continue
        complaint.save(update_fields=[*CLOCK_FIELDS])
        record_event(
            complaint,
            "stage.deadline_moved",
            why,
            actor=recount.actor,
            stage=stage.number,
            data={k: {"from": old, "to": new} for k, (old, new) in changes.items()},
        )
        recount.moved += 1
    if listed:
        recount.after_stage = listed[-1]
    if len(listed) < RECOUNT_BATCH:
        recount.finished_at = timezone.now()
        tallies.fold_after_bulk(recount.moved)
    recount.save(update_fields=["after_stage", "moved", "finished_at", "progressed_at"])
    return recount.finished_at is not None, recount.moved - moved_before


def _summary(whys: Any) -> str:
    """The record's one line for the changes a move may come from (a summary holds 300)."""
    text = "; ".join(whys)
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"
