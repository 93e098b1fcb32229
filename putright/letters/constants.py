"""Choices of the letters app: kinds of letter, delivery channels, statuses."""

from django.db import models


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    EXTENSION = "extension", "Extension notice"
    REFUSAL = "refusal", "Complaint not accepted"
    RESPONSE = "response", "Stage response"
    UPDATE = "update", "Keeping you informed"
    COMPLETION = "completion", "Remedy or action completed"
    SURVEY_FOLLOW_UP = "survey_follow_up", "How to complain (survey follow-up)"
    PORTAL_LINK = "portal_link", "Portal sign-in link"
    HAZARD_SUMMARY = "hazard_summary", "Hazard investigation summary (Awaab's Law)"
    EXCEPTIONAL_DELAY = "exceptional_delay", "Delay: exceptional circumstances"


class MessageKind(models.TextChoices):
    """Plain emails that go through the outbox like letters but have no letter template."""

    RECEIPT = "receipt", "Complaint received (receipt)"
    SIGN_IN = "sign_in", "Portal sign-in link (email)"
    STAFF_REMINDER = "staff_reminder", "Reminder to staff"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post (print queue)"
    NOTIFY_EMAIL = "notify_email", "Email through GOV.UK Notify"
    NOTIFY_LETTER = "notify_letter", "Letter through GOV.UK Notify"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Failed – will retry"
    FAILED = "failed", "Failed – needs staff action"
    TO_PRINT = "to_print", "In the print queue"
    SENT = "sent", "Sent"


# Delivery retries: minutes to wait after the 1st, 2nd, ... failed attempt. After the last,
# the item is FAILED and waits for a member of staff (it is never dropped).
RETRY_BACKOFF_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(RETRY_BACKOFF_MINUTES) + 1

# Large print: at least 16pt (RNIB's clear-print guidance; Code 5.10 adjustments).
STANDARD_FONT_PT = 11
LARGE_PRINT_FONT_PT = 16
