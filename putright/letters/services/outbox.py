r"""Delivering letters from the outbox: after commit, with retries and backoff.

The send state machine (docs/architecture.md, "One door out"):

    pending/retrying --claim--> sending (leased) --250 OK--> sent
                                   |  \--refused, or failed before the message went--> retrying
                                   |  \--whole message sent, then no reply--> sent, unconfirmed
                                   \--worker killed: lease expires--> claimed again (same ID)

A send is claimed with a conditional update that sets a lease (so a retry task, the sweep
and recovery never send the same letter at once), attempted outside any transaction, and its
result written back (retrying the write if the database connection was lost, so a letter the
server took is not sent again). Every attempt carries the letter's own Message-ID.
A failure leaves the letter and the record untouched and the item visible to staff.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.tasks import task_backends
from django.utils import timezone

from putright.complaints.constants import Channel, Direction
from putright.complaints.services import correspondence_add
from putright.complaints.services.common import record_event
from putright.core.errors import RuleBroken
from putright.letters import conf
from putright.letters.constants import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF_MINUTES,
    DeliveryChannel,
    OutboxStatus,
)
from putright.letters.mail import AcceptedUnconfirmed
from putright.letters.models import OutboxItem
from putright.letters.notify import NotifyAdapter, notify_client
from putright.letters.selectors import outbox_problem_count

logger = logging.getLogger(__name__)

UNCONFIRMED_NOTE = (
    "The mail server took the whole message but closed the connection before confirming it. "
    "Treated as sent (Message-ID {message_id}); not sent again, so the resident does not get "
    "it twice. Check with the resident if in doubt."
)
# Writing "sent" after the server took the letter: tries, with these pauses (seconds) after a
# lost database connection, before giving up (the lease then expires and it is sent again).
_RECORD_PAUSES = (0.2, 0.5, 1, 2, 4)

NOT_IN_PRINT_QUEUE = "This letter is not waiting to be printed."
NOT_RETRYABLE = "Only a letter whose delivery failed can be retried."
ALREADY_SENT = "This letter has already been sent."

_DELIVERABLE = [OutboxStatus.PENDING, OutboxStatus.RETRYING]


def _due(now: datetime) -> Q:
    """Waiting and due, or being sent by a worker whose lease ran out (it died mid-send)."""
    waiting = Q(status__in=_DELIVERABLE) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return waiting | Q(status=OutboxStatus.SENDING, leased_until__lte=now)


def _claim(item_id: int, now: datetime) -> OutboxItem | None:
    claimed = (
        OutboxItem.objects.filter(pk=item_id)
        .filter(_due(now))
        .update(
            status=OutboxStatus.SENDING,
            attempts=F("attempts") + 1,
            # From the real time, never from a `now` passed in: a sweep that started long ago
            # would otherwise hand out a lease that has already run out.
            leased_until=max(now, timezone.now()) + conf.send_lease(),
        )
    )
    if not claimed:
        return None
    return OutboxItem.objects.select_related("letter", "letter__complaint").get(pk=item_id)


def _pdf(letter: Any) -> bytes:
    if not letter.pdf:
        return b""
    with letter.pdf.open("rb") as pdf:
        return pdf.read()


def _send(item: OutboxItem) -> str:
    letter = item.letter
    pdf = _pdf(letter)
    if item.channel == DeliveryChannel.EMAIL:
        message = EmailMultiAlternatives(
            subject=letter.subject,
            body=letter.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[item.to_address],
            headers={"Message-ID": letter.message_id} if letter.message_id else None,
        )
        if letter.html:
            message.attach_alternative(letter.html, "text/html")
        if pdf:
            message.attach(letter.pdf.name.rsplit("/", 1)[-1], pdf, "application/pdf")
        message.send(using="default")
        return ""
    adapter = NotifyAdapter(notify_client())
    reference = letter.key or f"letter-{letter.pk}"
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
    pdf = _pdf(letter)
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
        ]
        if pdf
        else [],
        actor=actor,
        actor_label="PutRight outbox",
    )


def outbox_deliver(*, item_id: int, now: datetime | None = None) -> OutboxItem | None:
    """Try to send one outbox item; on failure schedule a retry with backoff."""
    now = now or timezone.now()
    item = _claim(item_id, now)
    if item is None:
        return None
    unconfirmed = ""
    try:
        provider_reference = _send(item)
    except AcceptedUnconfirmed as exc:
        # RFC 5321 4.1.1.4 / RFC 1047: the server may well have taken it. Sending it again
        # would give the resident two copies; we record it as sent and show it to staff.
        logger.warning("Letter %s: %s", item.letter_id, exc)
        provider_reference = ""
        unconfirmed = UNCONFIRMED_NOTE.format(message_id=item.letter.message_id)
    except Exception as exc:  # any failure of the mail server or Notify: keep and retry
        logger.warning(
            "Letter %s not delivered (attempt %s): %s", item.letter_id, item.attempts, exc
        )
        return _failed(item, exc, now)
    return _record_sent(item, provider_reference=provider_reference, unconfirmed=unconfirmed)


def _record_sent(item: OutboxItem, *, provider_reference: str, unconfirmed: str) -> OutboxItem:
    """Write back "sent"; if the database connection was lost, reconnect and write again."""
    for pause in (*_RECORD_PAUSES, None):
        try:
            _mark_sent(item, provider_reference=provider_reference, unconfirmed=unconfirmed)
            return item
        except (OperationalError, InterfaceError):
            if pause is None or connection.in_atomic_block:
                raise
            logger.warning("Letter %s sent; recording it failed, trying again", item.letter_id)
            connection.close()
            time.sleep(pause)
    raise AssertionError("unreachable")


def _mark_sent(item: OutboxItem, *, provider_reference: str, unconfirmed: str) -> None:
    with transaction.atomic():
        # Only the holder of the claim records the result (a lease that expired and was
        # claimed again belongs to the new attempt, which will record its own).
        locked = OutboxItem.objects.select_for_update(of=("self",)).only("status").get(pk=item.pk)
        if locked.status == OutboxStatus.SENT:
            return
        item.status = OutboxStatus.SENT
        item.sent_at = timezone.now()
        item.next_attempt_at = None
        item.leased_until = None
        item.last_error = unconfirmed
        item.unconfirmed = bool(unconfirmed)
        item.provider_reference = provider_reference
        item.correspondence = None
        _keep_in_record(item)
        item.save(
            update_fields=[
                "status",
                "sent_at",
                "next_attempt_at",
                "leased_until",
                "last_error",
                "unconfirmed",
                "provider_reference",
                "correspondence",
            ]
        )
        after = item.letter.context.get("body_after_sending")
        if after:
            # A sign-in link must not outlive its email: keep the message without the link.
            item.letter.text = after
            item.letter.save(update_fields=["text"])


def _failed(item: OutboxItem, exc: Exception, now: datetime) -> OutboxItem:
    with transaction.atomic():
        item.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        item.leased_until = None
        if item.attempts >= MAX_ATTEMPTS:
            item.status = OutboxStatus.FAILED
            item.next_attempt_at = None
        else:
            item.status = OutboxStatus.RETRYING
            backoff = RETRY_BACKOFF_MINUTES[min(item.attempts, len(RETRY_BACKOFF_MINUTES)) - 1]
            item.next_attempt_at = now + timedelta(minutes=backoff)
        item.save(update_fields=["status", "next_attempt_at", "leased_until", "last_error"])
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
    """Send every item that is due, and every send whose worker died (its lease expired).

    The sweep run by `manage.py letters_deliver` and by ``letters_recover``.
    """
    now = now or timezone.now()
    due = OutboxItem.objects.filter(_due(now)).order_by("created_at", "id")
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
