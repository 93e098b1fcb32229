"""The scheduler's tick as a task: it runs inside `manage.py db_worker`, queueing its successor.

No extra process is needed: `migrate` queues the first tick, and each tick queues the next one
(PUTRIGHT_SCHEDULER_TICK_SECONDS later) *before* it runs any job, so a job that crashes the
worker cannot break the chain. If the chain is ever lost (a wiped queue), /healthz reports the
stale heartbeat and `manage.py run_scheduler --queue` starts it again.
"""

import logging
from datetime import datetime

from django.db import DatabaseError
from django.tasks import TaskResultStatus, task, task_backends

from putright.core import clock

logger = logging.getLogger("putright.scheduler")


@task()
def scheduler_tick_task() -> str:
    """One scheduler tick: queue the next, then run the jobs that are due."""
    from putright.core.scheduler import scheduler_tick

    queue_next_tick()
    outcomes = scheduler_tick()
    return "; ".join(f"{o.job}: {o.status}" for o in outcomes) or "nothing due"


def queue_next_tick(*, at: datetime | None = None) -> bool:
    """Queue a tick for the worker unless one is already waiting. True if one was queued.

    Waiting ticks are looked up first, so two chains (a double start, two workers) merge back
    into one. Backends that cannot defer (the immediate backend in tests) queue nothing.
    """
    from django_tasks_db.models import DBTaskResult

    from putright.core.scheduler import tick_interval

    backend = task_backends[scheduler_tick_task.backend]
    if not backend.supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=scheduler_tick_task.module_path,
        backend_name=backend.alias,
        status=TaskResultStatus.READY,
    )
    if waiting.exists():
        return False
    scheduler_tick_task.using(run_after=at or clock.now() + tick_interval()).enqueue()
    return True


def queue_first_tick() -> None:
    """After `migrate`: make sure the worker has a tick waiting (post_migrate receiver)."""
    try:
        queue_next_tick(at=clock.now())
    except DatabaseError:  # e.g. migrating backwards past the task queue's own tables
        logger.warning("Could not queue the scheduler's first tick.", exc_info=True)
