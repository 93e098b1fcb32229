"""Runs of batches (``models.BatchedRun``): carrying each unfinished run to its end, and the
scheduler's safety net for a run whose worker was stopped.

A kind of run supplies its model and its batch: ``batch(run_id)`` locks the run, does the next
batch from the run's cursor and saves the cursor with the work, in one transaction (the run
decorates it with ``transaction.atomic``), and says whether the run has finished and how much
this batch did. A kill then loses one batch whole and nothing is done twice; two workers
carrying the same run wait for each other at the run's lock. The closures' deadline recount
(``complaints.services.closures``) and a renamed category's search rows
(``complaints.services.categories``) are the two kinds.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from putright.core import locks
from putright.core.models import BatchedRun

# A run whose last batch is older than this is taken to have lost its worker.
STALE_AFTER = timedelta(minutes=5)

Batch = Callable[[int], tuple[bool, int]]


def started[R: BatchedRun](run: R, batch: Batch, queue: Callable[[], None]) -> R:
    """A run just made, in its maker's transaction: its first batch done now, and if that was
    not all, `queue` (its task) called once the transaction commits. The run, as it stands."""
    finished, _done = batch(run.pk)
    if not finished:
        transaction.on_commit(queue, robust=True)
    run.refresh_from_db()
    return run


def progress_of_latest(runs: list[BatchedRun], done: Callable[[BatchedRun], int]) -> str:
    """The admin's column for the newest of an object's runs (prefetched), or "-"."""
    if not runs:
        return "-"
    latest = max(runs, key=lambda r: r.pk)
    return progress(latest, done(latest))


def run_all(model: type[BatchedRun], batch: Batch) -> int:
    """Carry every unfinished run of `model` to its end, oldest first, a batch a transaction,
    on SQLite with a pause between them (``locks.WriteTurns``) so a waiting writer gets its
    turn. Safe to call twice at once or again after a kill. Returns how much was done."""
    done, turns = 0, locks.WriteTurns()
    while pending := model._default_manager.filter(finished_at__isnull=True).order_by("id").first():
        with turns.transaction():
            done += batch(pending.pk)[1]
    return done


def resume_stale(
    model: type[BatchedRun], *, now: datetime, run: Callable[[], int], after: timedelta
) -> int:
    """The scheduler's safety net: `run` (which carries every unfinished run of `model`) when
    one has not moved on for `after` (its worker was stopped, or its queued task lost)."""
    stale = model._default_manager.filter(finished_at__isnull=True, progressed_at__lt=now - after)
    return run() if stale.exists() else 0


def progress(run: BatchedRun, done: int) -> str:
    """A run's progress for the admin: by its start, not its latest batch, so a run that
    stalled is seen by how long it has been going."""
    if run.finished_at is None:
        started = timezone.localtime(run.started_at)
        return f"{done} so far (in progress since {started:%d %b %H:%M})"
    return f"{done}"
