"""People's scheduled jobs (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from datetime import time

from putright.core.clock import today
from putright.core.scheduler import DailyAt, register_job
from putright.people.reminders import review_reminder_send

REVIEW_REMINDER_TIME = time(7, 0)  # before the team starts, UK time


@register_job(
    "people.review_reminders",
    period=DailyAt(REVIEW_REMINDER_TIME),
    description=(
        "Email the complaints inbox the reasonable adjustments, vulnerabilities, contact "
        "restrictions and authorisations due for review in the next 14 days (Code 5.10, 5.15)."
    ),
)
def send_review_reminders() -> str:
    count = review_reminder_send(on=today())
    return f"Reminder sent: {count} review(s) due." if count else "Nothing due for review."
