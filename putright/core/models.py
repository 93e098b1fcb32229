"""Records that make a repeated request act once: staff form tokens and API idempotency keys.

Users are kept as plain ids: core sits below the accounts app and never points up to it.
"""

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
