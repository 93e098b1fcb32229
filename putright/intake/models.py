"""Intake records: service requests, survey answers and their follow-ups, inbound emails."""

from django.conf import settings
from django.db import models

from putright.intake.constants import (
    Decision,
    FollowUpStatus,
    InboundStatus,
    IntakeChannel,
    ServiceRequestStatus,
)


class ServiceRequest(models.Model):
    """A request for a service (a repair, a visit): not a complaint, but monitored (Code 1.4)."""

    reference = models.CharField(max_length=40, blank=True, db_index=True)
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="service_requests"
    )
    home = models.ForeignKey(
        "people.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    requested_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ServiceRequestStatus.choices, default=ServiceRequestStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests_owned",
    )
    completed_on = models.DateField(null=True, blank=True)
    # Dissatisfaction with the request raises a complaint; the request carries on (Code 1.5).
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="service_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.reference or f'SR-{self.pk}'}: {self.summary}"


class ServiceRequestUpdate(models.Model):
    """One change to a service request: its monitoring trail."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="updates")
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary


class SurveyResponse(models.Model):
    """One answer from a satisfaction survey, imported from CSV (Code 1.6)."""

    survey = models.CharField(max_length=100)
    response_id = models.CharField(max_length=100)
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    respondent_name = models.CharField(max_length=200, blank=True)
    respondent_email = models.EmailField(blank=True)
    responded_on = models.DateField()
    score = models.PositiveSmallIntegerField(help_text="1 (very dissatisfied) to 5.")
    comment = models.TextField(blank=True)
    dissatisfied = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-responded_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "response_id"], name="survey_response_imported_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.response_id}: {self.score}/5"


class FollowUpTask(models.Model):
    """Tell a dissatisfied survey respondent how to complain (Code 1.6), tracked to done."""

    survey_response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, related_name="follow_up"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    how_told = models.CharField(max_length=200, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The complaint, if the resident chose to make one.",
    )

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return f"Follow up {self.survey_response}"


def inbound_path(instance: "InboundEmail", filename: str) -> str:
    return f"inbound/{instance.received_at:%Y/%m}/{filename}"


class InboundEmail(models.Model):
    """A message from the complaints mailbox: imported once, or quarantined — never dropped."""

    message_id = models.CharField(max_length=500, unique=True)
    source = models.CharField(max_length=300)
    raw = models.FileField(upload_to=inbound_path)
    from_address = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    reason = models.TextField(blank=True, help_text="Why it was quarantined.")
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound_emails",
    )
    received_at = models.DateTimeField(
        help_text="When our mailbox got it (IMAP INTERNALDATE or the top Received header)."
    )
    # The mailbox's own id for the message ("INBOX:uidvalidity:uid") and a hash of its bytes:
    # a message seen again by either is not imported again.
    mailbox_uid = models.CharField(max_length=200, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    item = models.OneToOneField(
        "IntakeItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_email",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class FormSubmission(models.Model):
    """One submission of the public form, kept to rate-limit by (hashed) address."""

    client_key = models.CharField(max_length=64, db_index=True)
    # A keyed hash of who sent what (email, phone, description): the same complaint sent twice
    # within minutes (a double-click, a resend after an error page) makes one complaint.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey("IntakeItem", null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.client_key[:8]} at {self.at}"


class IntakeItem(models.Model):
    """One inbound message, whatever the channel, until a person decides what it is (Code 1.2).

    The complaint clock starts at `received_at` (when we got it), not when it was decided.
    """

    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=20, choices=IntakeChannel.choices)
    received_at = models.DateTimeField(db_index=True)
    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.CharField(max_length=300, blank=True)
    sender_phone = models.CharField(max_length=40, blank=True)
    sender_address = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    # What the intake found that staff should know ("quotes CMP-… but the sender is not …",
    # "report.zip kept aside"), one per line.
    notes = models.TextField(blank=True)
    # The answers of the public form, kept to build the complaint if it is one.
    answers = models.JSONField(default=dict, blank=True)
    # Adjustments the sender stated: recorded "stated, to confirm", never applied until staff
    # confirm (anyone can type a resident's email into the public form).
    stated_adjustments = models.JSONField(default=list, blank=True)
    # A resident this looks like (same email): a suggestion for staff to confirm.
    suggested_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A case the message quotes, when the sender may not write into it (kept for staff).
    quoted_complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service_request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    survey_response = models.ForeignKey(
        SurveyResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The recognition assistant's suggestion, worked out once when the item arrives.
    suggested_label = models.CharField(max_length=20, blank=True)
    score = models.FloatField(default=0.0, db_index=True)
    phrases = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["decision", "-received_at"], name="intake_item_inbox")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject or self.body[:60]}"

    @property
    def decided(self) -> bool:
        return bool(self.decision)

    @property
    def text(self) -> str:
        """What the assistant read (its phrase offsets point into this): subject, then body."""
        return f"{self.subject}\n\n{self.body}" if self.subject else self.body


def intake_attachment_path(instance: "IntakeAttachment", filename: str) -> str:
    return f"intake/{instance.item.received_at:%Y/%m}/{filename}"


class IntakeAttachment(models.Model):
    """A document that came with an intake item; unsupported ones are kept aside with a note."""

    item = models.ForeignKey(IntakeItem, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=intake_attachment_path)
    size = models.PositiveIntegerField(default=0)
    # Not passed on to a case (a .zip, an .htm page, too many files): kept for a person.
    kept_aside = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
