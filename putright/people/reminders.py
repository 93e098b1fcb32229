"""The daily email of what is due for review (Code 5.10, 5.15): reasonable adjustments,
vulnerabilities, contact restrictions and representatives' authorisations about to expire."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from putright.people.selectors import reviews_due

REVIEW_WINDOW_DAYS = 14


def review_reminder_send(*, on: date, within_days: int = REVIEW_WINDOW_DAYS) -> int:
    """Email the complaints inbox the reviews due by `on` + `within_days`; returns how many."""
    due = reviews_due(on=on, within_days=within_days)
    if not due.count:
        return 0
    send_mail(
        subject=f"{due.count} review(s) due – PutRight",
        message=render_to_string("people/email/reviews_due.txt", {"due": due, "today": on}),
        from_email=None,
        recipient_list=[settings.PUTRIGHT_COMPLAINTS_EMAIL],
    )
    return due.count
