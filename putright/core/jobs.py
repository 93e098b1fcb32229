"""Core's own scheduled job: keep the scheduler's history to a useful size."""

from datetime import time, timedelta

from putright.core import clock
from putright.core.models import JobRun
from putright.core.scheduler import DailyAt, register_job

# A succeeded run matters for a few weeks; a failed one is kept longer for the page's history.
KEEP_SUCCEEDED = timedelta(days=30)
KEEP_FAILED = timedelta(days=180)


@register_job(
    "core.prune_job_runs",
    period=DailyAt(time(3, 30)),
    description="Delete scheduled-job history older than 30 days (failed runs: 180 days).",
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
    return f"Deleted {deleted} old run(s)."
