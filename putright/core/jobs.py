"""Core's own scheduled jobs: keep the scheduler's history and the API's stored answers to a
useful size."""

from datetime import time, timedelta

from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from putright.core import clock, idempotency
from putright.core.models import JobRun
from putright.core.scheduler import DailyAt, Every, register_job

# A succeeded run matters for a few weeks; a failed one is kept longer for the page's history.
KEEP_SUCCEEDED = timedelta(days=30)
KEEP_FAILED = timedelta(days=180)
# Each tick leaves a finished task row (1,440 a day); the job runs above are the history.
KEEP_FINISHED_TICKS = timedelta(days=1)
TICK_TASK_PATH = "putright.core.tasks.scheduler_tick_task"


@register_job(
    "core.prune_job_runs",
    period=DailyAt(time(3, 30)),
    description=(
        "Delete scheduled-job history older than 30 days (failed runs: 180 days) and finished "
        "scheduler ticks older than a day from the task queue."
    ),
)
def prune_job_runs() -> str:
    now = clock.now()
    old_succeeded = JobRun.objects.filter(
        status=JobRun.Status.SUCCEEDED, started_at__lt=now - KEEP_SUCCEEDED
    )
    old_other = JobRun.objects.exclude(status=JobRun.Status.SUCCEEDED).filter(
        started_at__lt=now - KEEP_FAILED
    )
    deleted = old_succeeded.delete()[0] + old_other.delete()[0]
    ticks = DBTaskResult.objects.filter(
        task_path=TICK_TASK_PATH,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - KEEP_FINISHED_TICKS,
    ).delete()[0]
    return f"Deleted {deleted} old run(s) and {ticks} finished tick(s)."


@register_job(
    "core.prune_idempotency_keys",
    period=Every(60),
    description=(
        "Delete the API's stored answers to Idempotency-Key requests once they are more than "
        "24 hours old (they hold a copy of what was answered)."
    ),
)
def prune_idempotency_keys() -> str:
    deleted = idempotency.prune_expired(now=clock.now())
    return f"Deleted {deleted} expired Idempotency-Key answer(s)."
