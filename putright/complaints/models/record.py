"""The full, append-only case record (Code 5.12): events, correspondence and documents."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from putright.complaints.constants import Channel, Direction
from putright.complaints.models.complaint import Complaint
from putright.core import held

RECORD_IS_APPEND_ONLY = "The case record is append-only: record a correction as a new event."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(RECORD_IS_APPEND_ONLY)

    def delete(self):
        raise PermissionError(RECORD_IS_APPEND_ONLY)


class AppendOnlyModel(models.Model):
    """A row that is written once and never changed or removed."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    @held.plain_save_for_new_rows
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(RECORD_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(RECORD_IS_APPEND_ONLY)


class CaseEvent(AppendOnlyModel):
    """One entry of the case record: what happened, to which stage, who did it, when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    code = models.CharField(max_length=48, db_index=True)  # namespaced, e.g. "stage.extended"
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when it was not a member of staff (the resident through the portal, a mailbox).
    actor_label = models.CharField(max_length=200, blank=True)
    # The business date the step happened (a historical import keeps its real dates).
    happened_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["complaint", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.code} {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_label or "System"


class Correspondence(AppendOnlyModel):
    """A letter, email, call or message to or from the resident or another party."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="correspondence"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    counterpart = models.CharField("to / from", max_length=200)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "correspondence"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.counterpart}: {self.subject}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"complaints/{instance.complaint_id}/{filename}"


class Attachment(AppendOnlyModel):
    """A document kept in the record: photos, reports, surveys, letters (Code 5.12)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    correspondence = models.ForeignKey(
        Correspondence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
