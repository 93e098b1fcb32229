"""Queries for the letters pages; each owns its joins so lists stay at a fixed query count."""

from django.db.models import QuerySet

from putright.letters.constants import OutboxStatus
from putright.letters.models import Letter, OutboxItem


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


def letter_detail(pk: int) -> Letter:
    return Letter.objects.select_related("complaint", "delivery", "created_by").get(pk=pk)
