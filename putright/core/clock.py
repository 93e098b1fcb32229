"""The one place PutRight asks what day and time it is (UK local time, from settings.TIME_ZONE)."""

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """Today's date where the landlord is: every Code clock counts from local dates."""
    return timezone.localdate()


def now() -> datetime:
    """The current moment, timezone-aware."""
    return timezone.now()
