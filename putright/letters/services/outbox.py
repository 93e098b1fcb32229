"""Delivering letters from the outbox: after commit, with retries and backoff.

A send is claimed with a conditional update (so a retry task and the sweeper never send the
same letter twice at once), attempted outside any transaction, and its result written back.
A failure leaves the letter and the record untouched and the item visible to staff.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task_backends
from django.utils import timezone

from putright.complaints.constants import Channel, Direction
from putright.complaints.services import correspondence_add
from putright.complaints.services.common import record_event
from putright.core.errors import RuleBroken
from putright.letters.constants import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF_MINUTES,
    DeliveryChannel,
    OutboxStatus,
)
from putright.letters.models import OutboxItem
from putright.letters.notify import NotifyAdapter, notify_client
from putright.letters.selectors import outbox_problem_count

logger = logging.getLogger(__name__)

# While one worker is sending, others leave the item alone for this long.
SEND_LEASE = timedelta(minutes=10)

NOT_IN_PRINT_QUEUE = "This letter is not waiting to be printed."
NOT_RETRYABLE = "Only a letter whose delivery failed can be retried."
ALREADY_SENT = "This letter has already been sent."

_DELIVERABLE = [OutboxStatus.PENDING, OutboxStatus.RETRYING]


def _claim(item_id: int, now: datetime) -> OutboxItem | None:
    claimed = (
        OutboxItem.objects.filter(pk=item_id, status__in=_DELIVERABLE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
    )
    if not claimed:
        return None
    return OutboxItem.objects.select_related("letter", "letter__complaint").get(pk=item_id)


def _send(item: OutboxItem) -> str:
    letter = item.letter
    pdf = letter.pdf.open("rb").read()
    letter.pdf.close()
    filename = letter.pdf.name.rsplit("/", 1)[-1]
    if item.channel == DeliveryChannel.EMAIL:
        message = EmailMultiAlternatives(
            subject=letter.subject,
            body=letter.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[item.to_address],
        )
        message.attach_alternative(letter.html, "text/html")
        message.attach(filename, pdf, "application/pdf")
        message.send(using="default")
        return ""
    adapter = NotifyAdapter(notify_client())
    reference = f"letter-{letter.pk}"
    if item.channel == DeliveryChannel.NOTIFY_EMAIL:
        return adapter.send_email(
            to=item.to_address, subject=letter.subject, body=letter.text, reference=reference
        )
    if item.channel == DeliveryChannel.NOTIFY_LETTER:
        return adapter.send_letter(pdf=pdf, reference=reference)
    raise ValueError(f"{item.get_channel_display()} is delivered by staff, not the outbox.")


def _keep_in_record(item: OutboxItem, actor: Any = None) -> None:
    """The exact PDF and message go into the case record (Code 5.12)."""
    letter = item.letter
    if letter.complaint is None:
        return
    by_post = item.channel in {DeliveryChannel.POST, DeliveryChannel.NOTIFY_LETTER}
    pdf = letter.pdf.open("rb").read()
    letter.pdf.close()
    item.correspondence = correspondence_add(
        complaint=letter.complaint,
        direction=Direction.OUTGOING,
        channel=Channel.LETTER if by_post else Channel.EMAIL,
        counterpart=f"{letter.recipient_name} <{item.to_address}>"[:200]
        if not by_post
        else letter.recipient_name,
        subject=letter.subject,
        body=letter.text,
        files=[
            SimpleUploadedFile(
                letter.pdf.name.rsplit("/", 1)[-1], pdf, content_type="application/pdf"
            )
        ],
        actor=actor,
        actor_label="PutRight outbox",
    )


def outbox_deliver(*, item_id: int, now: datetime | None = None) -> OutboxItem | None:
    """Try to send one outbox item; on failure schedule a retry with backoff."""
    now = now or timezone.now()
    item = _claim(item_id, now)
    if item is None:
        return None
    try:
        provider_reference = _send(item)
    except Exception as exc:  # any failure of the mail server or Notify: keep and retry
        logger.warning(
            "Letter %s not delivered (attempt %s): %s", item.letter_id, item.attempts, exc
        )
        return _failed(item, exc, now)
    with transaction.atomic():
        item.status = OutboxStatus.SENT
        item.sent_at = timezone.now()
        item.next_attempt_at = None
        item.last_error = ""
        item.provider_reference = provider_reference
        _keep_in_record(item)
        item.save(
            update_fields=[
                "status",
                "sent_at",
                "next_attempt_at",
                "last_error",
                "provider_reference",
                "correspondence",
            ]
        )
    return item


def _failed(item: OutboxItem, exc: Exception, now: datetime) -> OutboxItem:
    with transaction.atomic():
        item.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if item.attempts >= MAX_ATTEMPTS:
            item.status = OutboxStatus.FAILED
            item.next_attempt_at = None
        else:
            item.status = OutboxStatus.RETRYING
            item.next_attempt_at = now + timedelta(minutes=RETRY_BACKOFF_MINUTES[item.attempts - 1])
        item.save(update_fields=["status", "next_attempt_at", "last_error"])
        if item.status == OutboxStatus.FAILED and item.letter.complaint_id:
            record_event(
                item.letter.complaint,
                "letter.delivery_failed",
                f"Letter to {item.letter.recipient_name} could not be sent after "
                f"{item.attempts} attempts: staff action needed",
                actor=None,
                actor_label="PutRight outbox",
                data={"letter": item.letter_id, "error": item.last_error},
            )
        if item.status == OutboxStatus.RETRYING:
            _schedule_retry(item)
    return item


def _schedule_retry(item: OutboxItem) -> None:
    from putright.letters.tasks import deliver_letter

    backend = task_backends[deliver_letter.backend]
    # The database queue runs the retry at its time; without deferral support (the immediate
    # backend in tests) the `letters_deliver` sweep picks it up instead.
    if backend.supports_defer:
        when = item.next_attempt_at
        transaction.on_commit(lambda: deliver_letter.using(run_after=when).enqueue(item.pk))


def outbox_deliver_due(*, now: datetime | None = None) -> int:
    """Send every item that is due (the sweep run by `manage.py letters_deliver`)."""
    now = now or timezone.now()
    due = OutboxItem.objects.filter(status__in=_DELIVERABLE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    sent = 0
    for item_id in due.values_list("pk", flat=True):
        result = outbox_deliver(item_id=item_id, now=now)
        sent += bool(result and result.status == OutboxStatus.SENT)
    return sent


def outbox_sweep(*, now: datetime | None = None) -> str:
    """Send what is due and say how many still wait for staff (`letters_deliver`, the job)."""
    sent = outbox_deliver_due(now=now)
    return f"Sent {sent} letter(s). {outbox_problem_count()} waiting after a failure."


@transaction.atomic
def outbox_retry(*, item: OutboxItem, actor: Any) -> OutboxItem:
    """A member of staff asks for a failed (or waiting) delivery to be tried again now."""
    item = OutboxItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in {OutboxStatus.FAILED, OutboxStatus.RETRYING}:
        raise RuleBroken(NOT_RETRYABLE)
    item.status = OutboxStatus.RETRYING
    item.next_attempt_at = None
    # One more attempt, whatever the count so far.
    item.attempts = min(item.attempts, MAX_ATTEMPTS - 1)
    item.save(update_fields=["status", "next_attempt_at", "attempts"])
    if item.letter.complaint_id:
        record_event(
            item.letter.complaint,
            "letter.retry_requested",
            f"Retry requested for the letter to {item.letter.recipient_name}",
            actor=actor,
            data={"letter": item.letter_id},
        )
    from putright.letters.tasks import deliver_letter

    transaction.on_commit(lambda: deliver_letter.enqueue(item.pk))
    return item


@transaction.atomic
def outbox_mark_posted(*, item: OutboxItem, actor: Any) -> OutboxItem:
    """Staff printed and posted a letter from the print queue; it joins the record."""
    item = OutboxItem.objects.select_for_update().select_related("letter").get(pk=item.pk)
    if item.status == OutboxStatus.SENT:
        raise RuleBroken(ALREADY_SENT)
    if item.status != OutboxStatus.TO_PRINT:
        raise RuleBroken(NOT_IN_PRINT_QUEUE)
    item.status = OutboxStatus.SENT
    item.sent_at = timezone.now()
    item.sent_by = actor
    _keep_in_record(item, actor=actor)
    item.save(update_fields=["status", "sent_at", "sent_by", "correspondence"])
    return item
