"""The retention schedule runs as a daily scheduled job, once a day."""

from datetime import UTC, datetime

import time_machine

from putright.core.models import JobRun
from putright.core.scheduler import registered_jobs, scheduler_tick


def test_retention_is_a_daily_job_that_runs_once_a_day(db):
    assert "privacy.retention" in registered_jobs()
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=UTC), tick=False):
        scheduler_tick()
        scheduler_tick()
    runs = JobRun.objects.filter(job="privacy.retention")
    assert runs.count() == 1
    assert runs.get().status == JobRun.Status.SUCCEEDED
