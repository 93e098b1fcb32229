"""The scheduler: a registry of periodic jobs and the tick that runs each one once per period.

Apps declare their jobs in a ``jobs.py`` module (found at start-up, like ``admin.py``) with
``register_job``. Every tick (the ``scheduler_tick_task`` in the task worker, or
``manage.py run_scheduler``) does, for each enabled job:

1. work out the job's *current* period (``Every(5)``: the 5-minute window now; ``DailyAt``: since
   the most recent HH:MM UK time);
2. claim the run for (job, period start) in a transaction — a new row, or a failed row whose
   retry time has come; a row that succeeded, or is running, means someone else has it;
3. run the job outside that transaction and record success, or the error and traceback with a
   retry time (1, 5, 30, then every 120 minutes while the period lasts).

Catch-up falls out of step 1: after downtime only the latest period is due, so a worker that was
down for a day runs the daily job once on return, not once per missed day. Every job is a sweep
of what is due *now* (letters waiting, reviews due within a fortnight, unread mail), so one run
covers the periods that were missed.
"""

from __future__ import annotations

import logging
import traceback as tb
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from putright.core import clock
from putright.core.models import Heartbeat, JobRun
from putright.core.periods import DailyAt, Every, Period

__all__ = ["DailyAt", "Every", "Job", "register_job", "registered_jobs", "scheduler_tick"]

logger = logging.getLogger("putright.scheduler")

# Minutes before a failed run is tried again: attempt 1 failed → 1 minute, 2 → 5, 3 → 30, then 120.
RETRY_BACKOFF_MINUTES = (1, 5, 30, 120)
# A run still "running" after this long was abandoned (the worker was killed mid-run): the next
# tick records it as failed and runs it again.
ABANDONED_AFTER = timedelta(hours=2)
HEARTBEAT = "scheduler"
TRACEBACK_LINES = 30


@dataclass(frozen=True)
class Job:
    """A periodic job: a unique name, when it runs and what it calls (returns a short summary)."""

    name: str
    period: Period
    func: Callable[[], object]
    description: str = ""
    # Checked at every tick, so a job can depend on configuration (e.g. a mailbox being set).
    enabled: Callable[[], bool] = field(default=lambda: True)


_REGISTRY: dict[str, Job] = {}


def register_job(
    name: str,
    *,
    period: Period,
    description: str = "",
    enabled: Callable[[], bool] | None = None,
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Decorator registering ``func`` as the periodic job ``name`` (names are unique)."""

    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"A scheduled job named {name!r} is already registered.")
        _REGISTRY[name] = Job(
            name=name,
            period=period,
            func=func,
            description=description or (func.__doc__ or "").strip().splitlines()[0],
            enabled=enabled or (lambda: True),
        )
        return func

    return decorator


def unregister_job(name: str) -> None:
    """Forget a job (tests register throwaway jobs)."""
    _REGISTRY.pop(name, None)


def registered_jobs() -> dict[str, Job]:
    return dict(sorted(_REGISTRY.items()))


@dataclass(frozen=True)
class Outcome:
    job: str
    period_start: datetime
    status: str
    detail: str


def beat(name: str = HEARTBEAT, *, now: datetime | None = None) -> None:
    """Record that a background process is alive (/healthz reads it)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or clock.now()})


def scheduler_tick(*, now: datetime | None = None, jobs: list[Job] | None = None) -> list[Outcome]:
    """Run every enabled job whose current period has not run (or has a retry due)."""
    now = now or clock.now()
    beat(now=now)
    outcomes = []
    for job in jobs if jobs is not None else registered_jobs().values():
        if not job.enabled():
            continue
        run = claim_run(job=job, now=now)
        if run is not None:
            outcomes.append(_execute(job, run))
    return outcomes


def claim_run(*, job: Job, now: datetime) -> JobRun | None:
    """Take the job's run for the current period, or None if it is done, running or not yet due.

    Runs in its own committed transaction so a concurrent tick sees the claim: on PostgreSQL the
    second INSERT waits on the unique index and then fails; on SQLite IMMEDIATE transactions
    serialise the two.
    """
    period_start = job.period.period_start(now)
    with transaction.atomic():
        run = (
            JobRun.objects.select_for_update()
            .filter(job=job.name, period_start=period_start)
            .first()
        )
        if run is None:
            try:
                with transaction.atomic():
                    return JobRun.objects.create(
                        job=job.name, period_start=period_start, started_at=now, attempts=1
                    )
            except IntegrityError:
                return None  # another scheduler claimed this period a moment ago
        if run.status == JobRun.Status.SUCCEEDED:
            return None
        if run.status == JobRun.Status.RUNNING:
            if run.started_at > now - ABANDONED_AFTER:
                return None
            logger.error("Scheduled job %s was abandoned mid-run; running it again.", job.name)
            run.error = f"Abandoned: still running after {ABANDONED_AFTER} (worker stopped?)."
        elif run.retry_at is not None and run.retry_at > now:
            return None
        run.status = JobRun.Status.RUNNING
        run.attempts += 1
        run.started_at = now
        run.finished_at = None
        run.retry_at = None
        run.save(
            update_fields=["status", "attempts", "started_at", "finished_at", "retry_at", "error"]
        )
        return run


def _execute(job: Job, run: JobRun) -> Outcome:
    try:
        result = job.func()
    except Exception as exc:
        finished = clock.now()
        backoff = RETRY_BACKOFF_MINUTES[min(run.attempts, len(RETRY_BACKOFF_MINUTES)) - 1]
        run.status = JobRun.Status.FAILED
        run.finished_at = finished
        run.retry_at = finished + timedelta(minutes=backoff)
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.traceback = "".join(tb.format_exc().splitlines(keepends=True)[-TRACEBACK_LINES:])
        run.save(update_fields=["status", "finished_at", "retry_at", "error", "traceback"])
        logger.exception(
            "Scheduled job %s failed (attempt %s); retrying from %s.",
            job.name,
            run.attempts,
            run.retry_at.isoformat(),
        )
        return Outcome(job.name, run.period_start, run.status, run.error)
    run.status = JobRun.Status.SUCCEEDED
    run.finished_at = clock.now()
    run.result = str(result if result is not None else "")[:500]
    run.save(update_fields=["status", "finished_at", "result"])
    logger.info("Scheduled job %s: %s", job.name, run.result or "done")
    return Outcome(job.name, run.period_start, run.status, run.result)


def tick_interval() -> timedelta:
    return timedelta(seconds=settings.PUTRIGHT_SCHEDULER_TICK_SECONDS)
