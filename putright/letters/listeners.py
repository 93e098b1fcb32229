"""Letters produced when the lifecycle moves (case-record events, after commit).

A listener only queues the work (``produce_letters`` task), so a request never waits for a
PDF and a bulk import is not slowed down; the task builds the letters in its own
transaction. If a letter cannot be produced (the gate refuses it, or rendering fails) the
case record says so, for staff to act on; the complaint's own change is never undone.
PUTRIGHT_LETTERS_AUTOMATIC=false (environment or setting) stops automatic letters; replayed
history (``events.replaying_history``) never reaches these listeners.

Exactly once: the event's own transaction writes a ``LetterRequest`` (so a crash after the
commit cannot lose it), each letter is keyed by (event, kind, recipient), and production
marks the request done in the same transaction as the letters. ``letters_recover`` produces
requests left pending (the worker was killed, the task never queued, the database went away).
"""

import logging
from collections.abc import Callable
from datetime import date

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from putright.complaints.events import record_with, subscribe
from putright.complaints.models import CaseEvent, Exclusion, Extension, OutstandingAction, Remedy
from putright.complaints.services.common import record_event
from putright.core.errors import ComplaintError
from putright.letters.conf import letters_automatic
from putright.letters.constants import LetterKind
from putright.letters.context import (
    acknowledgement_context,
    completion_context,
    exceptional_delay_context,
    extension_context,
    hazard_summary_context,
    refusal_context,
    response_context,
    response_input_from_record,
    update_context,
)
from putright.letters.gate import LetterIncomplete
from putright.letters.models import LetterRequest
from putright.letters.services.letters import (
    Prepared,
    letter_discard,
    letter_keep,
    letters_render,
)

# A request whose production failed on a database error this many times is written to the
# case record as not produced (staff act on it) instead of being tried for ever.
MAX_PRODUCTION_ATTEMPTS = 5

logger = logging.getLogger(__name__)


Failure = tuple[str, list[str]]  # the reason, and the missing elements


def _render(
    kind: str, event: CaseEvent, build: Callable[[CaseEvent], "Built"]
) -> tuple[list[Prepared], Failure | None]:
    """Build and render the letters, or say why they cannot be made (for the record).

    A database error (a lost connection, say) is raised: the request stays pending and
    recovery tries again.
    """
    try:
        context, stage = build(event)
        prepared = letters_render(
            complaint=event.complaint,
            kind=kind,
            context=context,
            actor=event.actor,
            stage=stage,
            source_event=event,
        )
    except ComplaintError as exc:  # the gate (LetterIncomplete) or a refusal such as no address
        missing = exc.missing if isinstance(exc, LetterIncomplete) else []
        return [], (exc.message, [str(m) for m in missing])
    except DatabaseError:
        raise
    except Exception as exc:
        logger.exception("The %s letter for %s was not produced", kind, event.complaint)
        return [], (f"{type(exc).__name__}: {exc}", [])
    return prepared, None


def _reconnect_if_lost() -> None:
    """Rendering takes a while; if the database connection died meanwhile, open a new one
    rather than fail the short transaction that follows."""
    if (
        not connection.in_atomic_block
        and connection.connection is not None
        and not connection.is_usable()
    ):
        connection.close()


def _not_produced(kind: str, event: CaseEvent, reason: str, missing: list[str]) -> None:
    record_event(
        event.complaint,
        "letter.not_produced",
        f"{LetterKind(kind).label} letter not produced: staff action needed",
        actor=None,
        actor_label="PutRight letters",
        stage=event.stage,
        data={
            "kind": kind,
            "reason": reason,
            "missing": missing,
            "after": event.code,
            "event": event.pk,
        },
    )


# Each letter an event calls for: which kind, and how to build its data (and its stage) from
# the event. Building runs inside _render, so a failure is recorded for staff, not lost.
Built = tuple[dict, int | None]


def _acknowledgement(event: CaseEvent) -> Built:
    stage = event.complaint.stages.get(number=event.stage)
    return acknowledgement_context(stage), stage.number


def _extension(event: CaseEvent) -> Built:
    extension = (
        Extension.objects.filter(stage__complaint=event.complaint, stage__number=event.stage)
        .select_related("stage__complaint")
        .latest("created_at", "id")
    )
    return extension_context(extension), event.stage


def _refusal(event: CaseEvent) -> Built:
    exclusion = Exclusion.objects.filter(complaint=event.complaint).latest("decided_on", "id")
    return refusal_context(exclusion), exclusion.stage


def _response(event: CaseEvent) -> Built:
    stage = event.complaint.stages.select_related("response").get(number=event.stage)
    response = stage.response
    data = response_input_from_record(response)
    return response_context(stage, data, issued_on=response.issued_on), stage.number


def _remedy_completed(event: CaseEvent) -> Built:
    return completion_context(Remedy.objects.get(pk=event.data["remedy"])), event.stage


def _action_completed(event: CaseEvent) -> Built:
    return completion_context(OutstandingAction.objects.get(pk=event.data["action"])), event.stage


def _update(event: CaseEvent) -> Built:
    # What the service recorded is what the resident is told: the progress in the staff
    # member's words, and the next update's date from the one clock (Code 5.9).
    next_update = event.data.get("next_update")
    progress = event.data.get("progress", "")
    if event.data.get("action_description"):  # an update on one long-running action
        progress = f"About the work we promised ({event.data['action_description']}): {progress}"
    return update_context(
        event.complaint,
        progress=progress,
        next_update=date.fromisoformat(next_update) if next_update else None,
    ), event.stage


def _hazard_summary(event: CaseEvent) -> Built:
    # The hazards app (a sibling: never imported) puts the whole summary in the event's data.
    return hazard_summary_context(event.data), None


def _exceptional_delay(event: CaseEvent) -> Built:
    return exceptional_delay_context(event.complaint, event.data), event.stage


PRODUCERS: dict[str, tuple[str, Callable[[CaseEvent], Built]]] = {
    "stage.acknowledged": (LetterKind.ACKNOWLEDGEMENT, _acknowledgement),
    "stage.extended": (LetterKind.EXTENSION, _extension),
    "stage.update_sent": (LetterKind.UPDATE, _update),
    "complaint.excluded": (LetterKind.REFUSAL, _refusal),
    "stage.responded": (LetterKind.RESPONSE, _response),
    "remedy.completed": (LetterKind.COMPLETION, _remedy_completed),
    "action.completed": (LetterKind.COMPLETION, _action_completed),
    "action.update_sent": (LetterKind.UPDATE, _update),
    "hazard.summary_sent": (LetterKind.HAZARD_SUMMARY, _hazard_summary),
    "complaint.exceptional_delay": (LetterKind.EXCEPTIONAL_DELAY, _exceptional_delay),
}


def produce_letters_for(event: CaseEvent) -> None:
    """Build and queue the letters an event calls for (run by the ``produce_letters`` task
    and by recovery). Running it again for the same event never makes a second letter.

    Rendering (slow) happens outside any transaction; keeping the letters and marking the
    request done is one short transaction, so a connection cut mid-way loses nothing.
    """
    if event.code not in PRODUCERS:
        return
    kind, build = PRODUCERS[event.code]
    # Counted outside the production transaction, so a failure that undoes it still counts.
    LetterRequest.objects.filter(event=event, status=LetterRequest.Status.PENDING).update(
        attempts=F("attempts") + 1
    )
    request = LetterRequest.objects.filter(event=event).first()
    if request is not None and request.status != LetterRequest.Status.PENDING:
        return  # produced already (or recorded as not produced)
    failure: Failure | None
    if request is not None and request.attempts > MAX_PRODUCTION_ATTEMPTS:
        prepared, failure = [], (f"Failed {request.attempts - 1} times.", [])
    else:
        prepared, failure = _render(kind, event, build)
    _reconnect_if_lost()
    try:
        with transaction.atomic():
            request = LetterRequest.objects.select_for_update().filter(event=event).first()
            if request is not None and request.status != LetterRequest.Status.PENDING:
                raise _AlreadyDone
            if failure is not None:
                _not_produced(kind, event, *failure)
            else:
                for letter in prepared:
                    letter_keep(letter)
            if request is not None:
                request.status = (
                    LetterRequest.Status.NOT_PRODUCED if failure else LetterRequest.Status.PRODUCED
                )
                request.done_at = timezone.now()
                request.save(update_fields=["status", "done_at"])
    except _AlreadyDone:
        for letter in prepared:
            letter_discard(letter)


class _AlreadyDone(Exception):
    """Another worker produced this event's letters while we were rendering."""


def _request(event: CaseEvent) -> None:
    if letters_automatic():
        LetterRequest.objects.create(event=event)


def _queue(event: CaseEvent) -> None:
    if not letters_automatic():
        return
    from putright.letters.tasks import produce_letters

    produce_letters.enqueue(event.pk)


for _code in PRODUCERS:
    record_with(_code)(_request)
    subscribe(_code)(_queue)
