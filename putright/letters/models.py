"""Letter templates, letters as sent and the delivery outbox."""

from django.conf import settings
from django.db import models

from putright.letters.constants import DeliveryChannel, LetterKind, OutboxStatus


class LetterTemplate(models.Model):
    """An administrator's wording for one kind of letter; the shipped default applies otherwise.

    The body must place every required element with ``{% element "key" %}``; the elements'
    own wording is fixed, so an edit can change the prose but never drop what the Code asks.
    """

    kind = models.CharField(max_length=24, choices=LetterKind.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (version {self.version})"


def letter_pdf_path(instance: "Letter", filename: str) -> str:
    return f"letters/{instance.created_at:%Y/%m}/{filename}"


class Letter(models.Model):
    """One letter to one recipient, exactly as produced: data, HTML, text and PDF."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    recipient_name = models.CharField(max_length=200)
    recipient_role = models.CharField(max_length=40, default="resident")
    subject = models.CharField(max_length=300)
    # The data the gate checked; kept so the record shows what the letter was built from.
    context = models.JSONField(default=dict)
    html = models.TextField()
    text = models.TextField()
    large_print = models.BooleanField(default=False)
    pdf = models.FileField(upload_to=letter_pdf_path)
    template_version = models.PositiveIntegerField(default=0)  # 0: the shipped default
    render_ms = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_name}"


class OutboxItem(models.Model):
    """A letter waiting to go, going, or gone: failures stay here, visible, until sent."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="delivery")
    channel = models.CharField(max_length=16, choices=DeliveryChannel.choices)
    to_address = models.TextField(help_text="Email address or postal address.")
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    correspondence = models.ForeignKey(
        "complaints.Correspondence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.letter} by {self.get_channel_display()}: {self.get_status_display()}"
