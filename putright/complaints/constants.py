"""Choices and fixed values of the complaints app."""

from collections.abc import Iterable

from django.db import models

from putright.rules.workflow import STATE_LABELS, State

Status = models.TextChoices("Status", [(s.name, (s.value, STATE_LABELS[s])) for s in State])


class Channel(models.TextChoices):
    # Code 3.1-3.2: residents may complain in any way and to any member of staff.
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    PORTAL = "portal", "Resident portal"
    WEB_CHAT = "web_chat", "Web chat"
    IN_PERSON = "in_person", "In person"
    SOCIAL_MEDIA = "social_media", "Social media"
    CONTRACTOR = "contractor", "Passed on by a contractor"
    STAFF = "staff", "Passed on by another member of staff"
    SERVICE_REQUEST = "service_request", "Dissatisfaction with a service request"
    OTHER = "other", "Other"


# Channels where someone other than the complaints team heard the complaint first, so the
# 1-working-day pass-on rule (policy 5.1) applies.
PASSED_ON_CHANNELS = frozenset({Channel.CONTRACTOR, Channel.STAFF, Channel.SOCIAL_MEDIA})


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


def overall_outcome(outcomes: Iterable[str]) -> str:
    """A stage's overall outcome from its decisions' outcomes ("" when none): partly upheld
    when any point is partly upheld or some are upheld and some not (Code 6.7 / 6.18)."""
    found = set(outcomes)
    if Outcome.PARTLY_UPHELD in found or {Outcome.UPHELD, Outcome.NOT_UPHELD} <= found:
        return Outcome.PARTLY_UPHELD
    if Outcome.UPHELD in found:
        return Outcome.UPHELD
    return Outcome.NOT_UPHELD if Outcome.NOT_UPHELD in found else ""


class Direction(models.TextChoices):
    INCOMING = "in", "Received from"
    OUTGOING = "out", "Sent to"


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting the Ombudsman"
    NO_MALADMINISTRATION = "no_maladministration", "No maladministration"
    SERVICE_FAILURE = "service_failure", "Service failure"
    MALADMINISTRATION = "maladministration", "Maladministration"
    SEVERE_MALADMINISTRATION = "severe_maladministration", "Severe maladministration"
    REASONABLE_REDRESS = "reasonable_redress", "Reasonable redress"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "Outside jurisdiction"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MEDIATION = "mediation", "Resolved by mediation"


# Attachments: what a resident or officer may upload to the record.
ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".txt": "text/plain",
    ".eml": "message/rfc822",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
}


class DraftStatus(models.TextChoices):
    # A working copy kept by "Save draft": what the form held, not yet checked or sent.
    SAVED = "saved", "Saved, not yet sent for review"
    IN_REVIEW = "in_review", "Waiting for review"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved and sent"
    SUPERSEDED = "superseded", "Replaced by a later version"
