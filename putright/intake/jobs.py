"""Intake's scheduled jobs (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from django.conf import settings

from putright.core.scheduler import Every, register_job
from putright.intake.services.mailbox import mailbox_configured, mailbox_poll, mailbox_summary


@register_job(
    "intake.mailbox_poll",
    period=Every(settings.PUTRIGHT_MAILBOX_POLL_MINUTES),
    description="Import unread mail from the complaints mailbox (only when IMAP is configured).",
    enabled=mailbox_configured,
)
def poll_mailbox() -> str:
    return mailbox_summary(mailbox_poll())
