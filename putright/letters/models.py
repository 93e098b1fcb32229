"""Letter templates, letters as sent and the delivery outbox."""

from django.conf import settings
from django.db import models

from putright.letters.constants import DeliveryChannel, LetterKind, MessageKind, OutboxStatus


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
    # Empty for a message to staff (a reminder to the complaints inbox).
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=LetterKind.choices + MessageKind.choices)
    # Exactly once: what caused this letter and to whom, e.g. "event:41:acknowledgement:
    # resident:7" or "receipt:complaint:12". A second production with the same key finds this
    # letter instead of making another (the unique constraint settles a race).
    key = models.CharField(max_length=200, blank=True)
    source_event = models.ForeignKey(
        "complaints.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sent as the Message-ID header on every attempt, so a retry after an ambiguous SMTP
    # failure is recognisable as the same letter (RFC 5322 3.6.4).
    message_id = models.CharField(max_length=200, blank=True)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    recipient_name = models.CharField(max_length=200)
    recipient_role = models.CharField(max_length=40, default="resident")
    subject = models.CharField(max_length=300)
    # The data the gate checked; kept so the record shows what the letter was built from.
    context = models.JSONField(default=dict)
    html = models.TextField()
    text = models.TextField()
    large_print = models.BooleanField(default=False)
    # Empty for a plain email message (a receipt, a sign-in link, a reminder to staff).
    pdf = models.FileField(upload_to=letter_pdf_path, blank=True)
    template_version = models.PositiveIntegerField(default=0)  # 0: the shipped default
    render_ms = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="one_letter_per_key"
            )
        ]

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
    # While SENDING, no one else sends it until then; a worker killed mid-send leaves an
    # expired lease, and recovery sends it again (same Message-ID).
    leased_until = models.DateTimeField(null=True, blank=True)
    # The mail server took the whole message and then dropped the connection before saying
    # "250 OK": treated as sent, never re-sent, and shown to staff to check.
    unconfirmed = models.BooleanField(default=False)
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


class LetterRequest(models.Model):
    """A case-record event that calls for letters, written in the event's own transaction.

    The transactional outbox: if the worker dies, or the task is never queued, the request
    is still here, and recovery produces its letters (or records why they could not be).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be produced"
        PRODUCED = "produced", "Produced"
        NOT_PRODUCED = "not_produced", "Could not be produced: staff action needed"

    event = models.OneToOneField(
        "complaints.CaseEvent", on_delete=models.PROTECT, related_name="letter_request"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Letters for event {self.event_id}: {self.get_status_display()}"
