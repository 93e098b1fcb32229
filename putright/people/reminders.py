"""The daily email of what is due for review (Code 5.10, 5.15): reasonable adjustments,
vulnerabilities, contact restrictions and representatives' authorisations about to expire."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from putright.core.messages import STAFF_REMINDER, OutgoingMessage, queue_message
from putright.people.selectors import reviews_due

REVIEW_WINDOW_DAYS = 14


def review_reminder_send(*, on: date, within_days: int = REVIEW_WINDOW_DAYS) -> int:
    """Queue the complaints inbox the reviews due by `on` + `within_days`; returns how many.

    Through the outbox (retried, Notify when configured), keyed by the day: at most once a day.
    """
    due = reviews_due(on=on, within_days=within_days)
    if not due.count:
        return 0
    with transaction.atomic():
        queue_message(
            OutgoingMessage(
                kind=STAFF_REMINDER,
                to=settings.PUTRIGHT_COMPLAINTS_EMAIL,
                name="Complaints team",
                subject=f"{due.count} review(s) due – PutRight",
                body=render_to_string("people/email/reviews_due.txt", {"due": due, "today": on}),
                key=f"reminder:reviews:{on.isoformat()}",
                role="staff",
            )
        )
    return due.count
