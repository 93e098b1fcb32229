"""Project-wide records: scheduled job runs and the scheduler's heartbeat."""

from django.db import models


class JobRun(models.Model):
    """One run of a scheduled job for one period: claimed once, then succeeded or failed.

    The unique (job, period_start) pair is what makes a job run at most once per period, however
    many schedulers tick: the second claim finds the row (or hits the constraint) and stops.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed (will be retried)"

    job = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    attempts = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # A failed run is tried again from this time while its period is still the current one.
    retry_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "period_start"], name="core_jobrun_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["job", "-started_at"], name="core_jobrun_job_latest")]

    def __str__(self) -> str:
        return f"{self.job} for {self.period_start:%Y-%m-%d %H:%M} ({self.status})"


class Heartbeat(models.Model):
    """The last time a background process showed it was alive (read by /healthz)."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
