"""Queries for the letters pages; each owns its joins so lists stay at a fixed query count."""

from django.db.models import QuerySet

from putright.letters.constants import DraftStatus, OutboxStatus
from putright.letters.models import Letter, OutboxItem, ResponseDraft


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


def drafts_waiting() -> QuerySet[ResponseDraft]:
    return (
        ResponseDraft.objects.filter(status=DraftStatus.IN_REVIEW)
        .select_related("stage__complaint__resident", "author")
        .order_by("submitted_at", "id")
    )


def draft_with_history(pk: int) -> tuple[ResponseDraft, list[ResponseDraft]]:
    draft = ResponseDraft.objects.select_related(
        "stage__complaint__resident", "author", "reviewer"
    ).get(pk=pk)
    history = list(
        ResponseDraft.objects.filter(stage_id=draft.stage_id)
        .select_related("author", "reviewer")
        .order_by("-version")
    )
    return draft, history


def letter_detail(pk: int) -> Letter:
    return Letter.objects.select_related("complaint", "delivery", "created_by").get(pk=pk)
