"""Queries for the letters pages; each owns its joins so lists stay at a fixed query count."""

from django.db.models import Case, CharField, F, QuerySet, Value, When

from putright.letters.constants import OutboxStatus
from putright.letters.models import Letter, LetterRequest, OutboxItem


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
    """Letters an event called for that could not be produced and have not been since:
    staff must act (the same rows the queue and dashboard flag)."""
    return (
        letter_requests_unresolved()
        .select_related("event__complaint")
        .order_by("-created_at", "-id")
    )


def unconfirmed_count() -> int:
    """Emails the mail server took but did not confirm (treated as sent; staff may check)."""
    return OutboxItem.objects.filter(unconfirmed=True).count()


def letter_detail(pk: int) -> Letter:
    return Letter.objects.select_related("complaint", "delivery", "created_by").get(pk=pk)


# What went wrong, for the case page's "what to do" (complaints.hooks.register_letter_trouble).
NOT_PRODUCED = "not_produced"
NOT_DELIVERED = "not_delivered"


def letter_requests_unresolved() -> QuerySet[LetterRequest]:
    """Letters an event called for that could not be produced and have not been produced
    since (``letter_request_retry`` puts one back in the queue): the clock each served is
    not met by the step alone, so the queue, the dashboard and the case page flag it."""
    from putright.letters.listeners import PRODUCERS

    # The request is keyed by the event that called for the letter; its kind is the producer's.
    kind = Case(
        *[When(event__code=code, then=Value(k)) for code, (k, _) in PRODUCERS.items()],
        default=Value(""),
        output_field=CharField(),
    )
    return LetterRequest.objects.filter(status=LetterRequest.Status.NOT_PRODUCED).annotate(
        trouble_complaint=F("event__complaint_id"),
        trouble_kind=kind,
        trouble_what=Value(NOT_PRODUCED, output_field=CharField()),
    )


def deliveries_failed() -> QuerySet[OutboxItem]:
    """Letters made but not delivered after every retry, until retried or posted by hand."""
    return (
        OutboxItem.objects.filter(status=OutboxStatus.FAILED, letter__complaint__isnull=False)
        .exclude(letter__recipient_role="staff")  # a reminder to staff serves no resident clock
        .annotate(
            trouble_complaint=F("letter__complaint_id"),
            trouble_kind=F("letter__kind"),
            trouble_what=Value(NOT_DELIVERED, output_field=CharField()),
        )
    )
