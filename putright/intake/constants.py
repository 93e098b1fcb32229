"""Fixed values of the intake channels."""

from django.db import models

EMAIL_ACTOR_LABEL = "Complaints mailbox"
ONLINE_FORM_ACTOR_LABEL = "Online complaint form"
SURVEY_ACTOR_LABEL = "Survey import"

# Public form: at most this many submissions from one address per window (a CAPTCHA would
# exclude some disabled residents; a rate limit and a honeypot do not).
FORM_RATE_LIMIT = 5
FORM_RATE_WINDOW_MINUTES = 60
# The same complaint (same email, phone and words) sent again within this many minutes is the
# first one again, not a second complaint.
FORM_DUPLICATE_WINDOW_MINUTES = 30

# Survey answers on a 1-5 scale at or below this are dissatisfied (Code 1.6).
SURVEY_DISSATISFIED_AT_OR_BELOW = 2
# Working days to tell a dissatisfied survey respondent how to complain.
SURVEY_FOLLOW_UP_WORKING_DAYS = 5


class ServiceRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_REQUEST_STATUSES = frozenset(
    {ServiceRequestStatus.COMPLETED, ServiceRequestStatus.CANCELLED}
)


class InboundStatus(models.TextChoices):
    # Every readable message is an intake item until a person decides what it is (Code 1.2).
    ITEM = "item", "In the intake inbox"
    # Kept for messages imported before the intake inbox existed.
    NEW_COMPLAINT = "new_complaint", "New complaint"
    ADDED_TO_CASE = "added_to_case", "Added to an existing complaint"
    QUARANTINED = "quarantined", "Quarantined"


class IntakeChannel(models.TextChoices):
    """How an intake item reached us; each maps onto a complaint channel when it is one."""

    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    PORTAL = "portal", "Resident portal"
    PHONE = "phone", "Phone"
    SOCIAL_MEDIA = "social_media", "Social media"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"
    SERVICE_REQUEST = "service_request", "Service request note"
    SURVEY = "survey", "Survey comment"


# The channels staff type in by hand on the "record a message" page.
STAFF_NOTE_CHANNELS = (
    IntakeChannel.PHONE,
    IntakeChannel.SOCIAL_MEDIA,
    IntakeChannel.IN_PERSON,
    IntakeChannel.LETTER,
)


class Decision(models.TextChoices):
    """What a person decided an intake item is (Code 1.2-1.6)."""

    COMPLAINT = "complaint", "Complaint (new)"
    ADDED_TO_CASE = "added_to_case", "Added to an existing complaint"
    SERVICE_REQUEST = "service_request", "Service request"
    ENQUIRY = "enquiry", "Enquiry"
    COMPLIMENT = "compliment", "Compliment"
    NOT_FOR_US = "not_for_us", "Not for us"
    SPAM = "spam", "Spam"


# Decisions that need nothing but the label (no complaint made, nothing filed).
PLAIN_DECISIONS = frozenset(
    {
        Decision.SERVICE_REQUEST,
        Decision.ENQUIRY,
        Decision.COMPLIMENT,
        Decision.NOT_FOR_US,
        Decision.SPAM,
    }
)

INBOX_PAGE_SIZE = 25

# Mail limits per message: beyond these the message is quarantined (size) or the extra
# attachments are kept aside (count), so one message cannot fill the disk or the case record.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS_PER_MESSAGE = 10
# The recognition assistant reads this many characters of a message at most: a long email
# (ten pages of text) is well under it, and the assistant's time grows with length
# (docs/recognition.md: about 6 ms for 5,000 characters, a second for a megabyte), so one
# huge message cannot hold up a poll. The phrases are offsets into the start of the text.
RECOGNISED_CHARS = 10_000
# A mailbox date older than this is not believed (a server clock or a forged header).
OLDEST_BELIEVABLE_DAYS = 30


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
