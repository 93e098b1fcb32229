"""Queries for the letters pages; each owns its joins so lists stay at a fixed query count."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from putright.letters.constants import OutboxStatus
from putright.letters.models import Letter, LetterRequest, OutboxItem

# How far back the outbox page looks for letters that could not be produced.
NOT_PRODUCED_DAYS = 30


def outbox_items(*, status: str | None = None) -> QuerySet[OutboxItem]:
    items = OutboxItem.objects.select_related("letter", "letter__complaint", "sent_by")
    if status:
        items = items.filter(status=status)
    return items.order_by("-created_at", "-id")


def print_queue() -> QuerySet[OutboxItem]:
    return outbox_items(status=OutboxStatus.TO_PRINT).order_by("created_at", "id")


def outbox_problem_count() -> int:
    return OutboxItem.objects.filter(
        status__in=[OutboxStatus.RETRYING, OutboxStatus.FAILED]
    ).count()


def letters_not_produced() -> QuerySet[LetterRequest]:
    """Events of the last 30 days whose letter could not be produced: staff must act."""
    since = timezone.now() - timedelta(days=NOT_PRODUCED_DAYS)
    return (
        LetterRequest.objects.filter(
            status=LetterRequest.Status.NOT_PRODUCED, created_at__gte=since
        )
        .select_related("event__complaint")
        .order_by("-created_at", "-id")
    )


def unconfirmed_count() -> int:
    """Emails the mail server took but did not confirm (treated as sent; staff may check)."""
    return OutboxItem.objects.filter(unconfirmed=True).count()


def letter_detail(pk: int) -> Letter:
    return Letter.objects.select_related("complaint", "delivery", "created_by").get(pk=pk)
