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
    NEW_COMPLAINT = "new_complaint", "New complaint"
    ADDED_TO_CASE = "added_to_case", "Added to an existing complaint"
    QUARANTINED = "quarantined", "Quarantined"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
