"""Queries for the scheduler's status (administrators' page) and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from putright.core.models import Heartbeat, JobRun
from putright.core.scheduler import HEARTBEAT, Job, registered_jobs


@dataclass(frozen=True)
class JobStatus:
    """What the administrators' page shows for one job."""

    job: Job
    enabled: bool
    last_run: JobRun | None
    last_error: JobRun | None
    next_run: datetime | None  # None: at the next tick (due now, or a retry is due)
    next_note: str


def _next_run(job: Job, last: JobRun | None, now: datetime) -> tuple[datetime | None, str]:
    current = job.period.period_start(now)
    if last is None or last.period_start < current:
        return None, "Due now: at the next tick"
    if last.status == JobRun.Status.RUNNING:
        return None, "Running now"
    if last.status == JobRun.Status.FAILED and last.retry_at is not None:
        return last.retry_at, "Retry"
    return job.period.next_start(now), ""


def job_statuses(*, now: datetime) -> list[JobStatus]:
    """Every registered job with its latest run, latest error and next run (2 queries)."""
    jobs = registered_jobs()
    latest: dict[str, JobRun] = {}
    newest_starts = (
        JobRun.objects.filter(job__in=jobs)
        .values("job")
        .annotate(latest=Max("started_at"))
        .values("latest")
    )
    # Ascending, so each job ends with its own newest run (another job's newest start time can
    # match one of its older runs, never a newer one).
    for run in JobRun.objects.filter(job__in=jobs, started_at__in=newest_starts).order_by(
        "started_at"
    ):
        latest[run.job] = run
    errors: dict[str, JobRun] = {}
    for run in JobRun.objects.filter(job__in=jobs).exclude(error="").order_by("-started_at"):
        errors.setdefault(run.job, run)
        if len(errors) == len(jobs):
            break
    statuses = []
    for name, job in jobs.items():
        last = latest.get(name)
        next_run, note = _next_run(job, last, now)
        enabled = job.enabled()
        statuses.append(
            JobStatus(
                job=job,
                enabled=enabled,
                last_run=last,
                last_error=errors.get(name),
                next_run=next_run if enabled else None,
                next_note=note if enabled else "Not configured: does not run",
            )
        )
    return statuses


def heartbeat_at(name: str = HEARTBEAT) -> datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
