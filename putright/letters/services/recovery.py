"""Recovery: finish what a killed worker, a lost connection or a missing task left undone.

``letters_recover`` is a plain function, safe to run at any time and from several processes
at once (production is keyed by event, sending is claimed with a lease). The task worker
runs it at start and every PUTRIGHT_LETTERS_RECOVER_EVERY_SECONDS (letters' ``db_worker``);
a scheduler can run it as a periodic job too. No cron is needed.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.core.errors import AlreadyDone
from putright.letters import conf
from putright.letters.models import LetterRequest
from putright.letters.services.outbox import outbox_deliver_due

logger = logging.getLogger(__name__)

# Each run produces at most this many letter requests, so one run stays short.
BATCH = 200
TASKS_MODULE = "putright.letters.tasks."


@dataclass(frozen=True)
class Recovered:
    """What one recovery run did."""

    tasks_requeued: int
    requests_produced: int
    letters_sent: int


def _requeue_stale_tasks(now: datetime) -> int:
    """Letters tasks left "running" by a worker that died go back on the queue.

    They are safe to run twice: production is keyed by event and sending is claimed.
    """
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database queue is not installed
        return 0
    from django.tasks import TaskResultStatus

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path__startswith=TASKS_MODULE,
        started_at__lt=now - conf.recover_after(),
    ).update(status=TaskResultStatus.READY, run_after=now)


def _produce_pending(now: datetime) -> int:
    from putright.complaints.models import CaseEvent
    from putright.letters.listeners import produce_letters_for

    waiting = LetterRequest.objects.filter(
        status=LetterRequest.Status.PENDING, created_at__lt=now - conf.recover_after()
    ).values_list("event_id", flat=True)[:BATCH]
    done = 0
    for event_id in list(waiting):
        event = CaseEvent.objects.select_related("complaint", "actor").get(pk=event_id)
        try:
            produce_letters_for(event)
        except Exception:  # one failing event must not stop the others; it stays pending
            logger.exception("Recovery could not produce the letters for event %s", event_id)
            continue
        done += 1
    return done


def letters_recover(*, now: datetime | None = None) -> Recovered:
    """Re-queue stale letters tasks, produce letters whose production never finished, and
    send every letter that is due or whose send lease expired."""
    recovered = Recovered(
        tasks_requeued=_requeue_stale_tasks(now or timezone.now()),
        requests_produced=_produce_pending(now or timezone.now()),
        # Producing may take a while: what is due is judged at the time of sending.
        letters_sent=outbox_deliver_due(now=now),
    )
    if any((recovered.tasks_requeued, recovered.requests_produced, recovered.letters_sent)):
        logger.info("Letters recovery: %s", recovered)
    return recovered


NOT_WAITING_TO_PRODUCE = "This letter is not waiting to be produced again: it was produced already."


@transaction.atomic
def letter_request_retry(*, request_id: int, actor: Any) -> LetterRequest:
    """Staff have put right what stopped a letter being produced (an address, a missing
    element); produce it again. Until then it stays flagged on the queue, the dashboard and
    the case page, and the clock it served is not shown as met."""
    from putright.complaints.services.common import lock_complaint, record_event

    found = LetterRequest.objects.select_related("event__complaint").get(pk=request_id)
    complaint = lock_complaint(found.event.complaint)  # the complaint first, always
    request = LetterRequest.objects.select_for_update().get(pk=request_id)
    if request.status != LetterRequest.Status.NOT_PRODUCED:
        raise AlreadyDone(NOT_WAITING_TO_PRODUCE)
    request.status = LetterRequest.Status.PENDING
    request.attempts = 0
    request.done_at = None
    request.save(update_fields=["status", "attempts", "done_at"])
    event = found.event
    record_event(
        complaint,
        "letter.production_retried",
        f"Asked to produce again the letter after “{event.summary}”"[:300],
        actor=actor,
        stage=event.stage,
        data={"event": event.pk, "request": request.pk},
    )
    from putright.letters.tasks import produce_letters

    transaction.on_commit(lambda: produce_letters.enqueue(event.pk))
    return request
