"""Project-wide records: one-time form tokens and API idempotency keys, scheduled job runs
and the heartbeat, and the security log.

Users are kept as plain ids: core sits below the accounts app and never points up to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmissionToken(models.Model):
    """A staff form's one-time token, spent by the submission that acted on it.

    The row is written in the same transaction as the change, so a double-click's second
    request either waits for the first and finds the token spent, or (if the first failed)
    acts itself. Kept for a day, then purged.
    """

    token = models.UUIDField(unique=True)
    user_id = models.PositiveBigIntegerField(null=True)
    path = models.CharField(max_length=300)
    # Where the first submission went on to: the second is sent there too.
    result_url = models.CharField(max_length=500, blank=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.token} ({self.path})"


class IdempotentRequest(models.Model):
    """An API POST sent with an Idempotency-Key header, and the response it got.

    A retry with the same key (same user, same path, same body) gets the stored response
    instead of acting twice; the same key with a different request is refused. Kept 24 hours.
    """

    key = models.CharField(max_length=255)
    user_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.path})"


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


class SecurityEvent(models.Model):
    """One line of the security log (ASVS V7): who signed in, failed, was refused or changed
    their sign-in factors, and who declared, approved, refused or ended a period of exceptional
    circumstances (Code 8.5). Never holds a password, a code or a token."""

    class Kind(models.TextChoices):
        SIGNIN = "signin", "Signed in"
        SIGNIN_FAILED = "signin.failed", "Sign-in failed"
        SIGNIN_LOCKED = "signin.locked", "Sign-in locked after too many failures"
        SIGNIN_REFUSED = "signin.refused", "Sign-in refused while locked"
        SIGNIN_UNLOCKED = "signin.unlocked", "Sign-in unlocked by an administrator"
        SIGNOUT = "signout", "Signed out"
        SESSION_EXPIRED = "session.expired", "Session expired"
        MFA_VERIFIED = "mfa.verified", "Two-step verification passed"
        MFA_FAILED = "mfa.failed", "Two-step verification failed"
        MFA_ENROLLED = "mfa.enrolled", "Two-step verification set up"
        MFA_REMOVED = "mfa.removed", "Two-step verification removed"
        MFA_RECOVERY_CODES = "mfa.recovery_codes", "New recovery codes made"
        TOKEN_CREATED = "token.created", "API token created"
        TOKEN_REVOKED = "token.revoked", "API token revoked"
        PERMISSION_DENIED = "permission.denied", "Permission refused"
        PORTAL_LINK_REQUESTED = "portal.link_requested", "Portal sign-in link requested"
        PORTAL_LIMITED = "portal.limited", "Portal sign-in requests limited"
        # Code 8.5: who declared, decided and ended a period of exceptional circumstances, and
        # when; the period's own fields keep only the latest (data["period"] is its id).
        EXCEPTIONAL_DECLARED = "exceptional.declared", "Exceptional circumstances declared"
        EXCEPTIONAL_APPROVED = "exceptional.approved", "Exceptional circumstances approved"
        EXCEPTIONAL_REFUSED = "exceptional.refused", "Exceptional circumstances not approved"
        EXCEPTIONAL_ENDED = "exceptional.ended", "Exceptional circumstances ended"
        EXCEPTIONAL_NOTIFIED = "exceptional.notified", "Ombudsman notification recorded"

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # As typed at sign-in (lower-cased), so failures for unknown or deleted users still count.
    username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "username", "at"], name="security_kind_user_at"),
            models.Index(fields=["kind", "ip", "at"], name="security_kind_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class BatchedRun(models.Model):
    """Work one change sets off that is too big for its transaction (a closure's deadline
    recount, a renamed category's search rows): the first batch in the change's own
    transaction, the rest after the commit, a short transaction a batch, each continuing from
    where the last committed one stopped (``core.batched``). Abstract: each kind keeps its own
    table with its own cursor and count."""

    started_at = models.DateTimeField(auto_now_add=True)
    progressed_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]
