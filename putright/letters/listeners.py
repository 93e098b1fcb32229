"""Letters produced when the lifecycle moves (contract 2: case-record events, after commit).

A listener only queues the work (``produce_letters`` task), so a request never waits for a
PDF and a bulk import is not slowed down; the task builds the letters in its own
transaction. If a letter cannot be produced (the gate refuses it, or rendering fails) the
case record says so, for staff to act on; the complaint's own change is never undone.
Set PUTRIGHT_LETTERS_AUTOMATIC=false (environment or setting) to stop automatic letters, e.g. while
replaying history.
"""

import logging
from collections.abc import Callable

from django.db import transaction

from putright.complaints.errors import ComplaintError
from putright.complaints.events import subscribe
from putright.complaints.models import CaseEvent, Exclusion, Extension, OutstandingAction, Remedy
from putright.complaints.services.common import record_event
from putright.letters.conf import letters_automatic
from putright.letters.constants import LetterKind
from putright.letters.context import (
    acknowledgement_context,
    completion_context,
    extension_context,
    refusal_context,
    response_context,
    response_input_from_record,
)
from putright.letters.gate import LetterIncomplete
from putright.letters.services.letters import letters_issue

logger = logging.getLogger(__name__)


def _safely(kind: str, event: CaseEvent, produce: Callable[[], object]) -> None:
    try:
        produce()
    except ComplaintError as exc:  # the gate (LetterIncomplete) or a refusal such as no address
        missing = exc.missing if isinstance(exc, LetterIncomplete) else []
        _not_produced(kind, event, exc.message, [str(m) for m in missing])
    except Exception as exc:
        logger.exception("The %s letter for %s was not produced", kind, event.complaint)
        _not_produced(kind, event, f"{type(exc).__name__}: {exc}", [])


def _not_produced(kind: str, event: CaseEvent, reason: str, missing: list[str]) -> None:
    record_event(
        event.complaint,
        "letter.not_produced",
        f"{LetterKind(kind).label} letter not produced: staff action needed",
        actor=None,
        actor_label="PutRight letters",
        stage=event.stage,
        data={"kind": kind, "reason": reason, "missing": missing, "after": event.code},
    )


def acknowledgement_letter(event: CaseEvent) -> None:
    stage = event.complaint.stages.get(number=event.stage)
    _safely(
        LetterKind.ACKNOWLEDGEMENT,
        event,
        lambda: letters_issue(
            complaint=event.complaint,
            kind=LetterKind.ACKNOWLEDGEMENT,
            context=acknowledgement_context(stage),
            actor=event.actor,
            stage=stage.number,
        ),
    )


def extension_letter(event: CaseEvent) -> None:
    extension = (
        Extension.objects.filter(stage__complaint=event.complaint, stage__number=event.stage)
        .select_related("stage__complaint")
        .latest("created_at", "id")
    )
    _safely(
        LetterKind.EXTENSION,
        event,
        lambda: letters_issue(
            complaint=event.complaint,
            kind=LetterKind.EXTENSION,
            context=extension_context(extension),
            actor=event.actor,
            stage=event.stage,
        ),
    )


def refusal_letter(event: CaseEvent) -> None:
    exclusion = Exclusion.objects.filter(complaint=event.complaint).latest("decided_on", "id")
    _safely(
        LetterKind.REFUSAL,
        event,
        lambda: letters_issue(
            complaint=event.complaint,
            kind=LetterKind.REFUSAL,
            context=refusal_context(exclusion),
            actor=event.actor,
            stage=exclusion.stage,
        ),
    )


def response_letter(event: CaseEvent) -> None:
    stage = event.complaint.stages.select_related("response").get(number=event.stage)
    response = stage.response
    _safely(
        LetterKind.RESPONSE,
        event,
        lambda: letters_issue(
            complaint=event.complaint,
            kind=LetterKind.RESPONSE,
            context=response_context(
                stage, response_input_from_record(response), issued_on=response.issued_on
            ),
            actor=event.actor,
            stage=stage.number,
        ),
    )


def remedy_completion_letter(event: CaseEvent) -> None:
    remedy = Remedy.objects.get(pk=event.data["remedy"])
    _completion(event, remedy)


def action_completion_letter(event: CaseEvent) -> None:
    action = OutstandingAction.objects.get(pk=event.data["action"])
    _completion(event, action)


def _completion(event: CaseEvent, item: Remedy | OutstandingAction) -> None:
    _safely(
        LetterKind.COMPLETION,
        event,
        lambda: letters_issue(
            complaint=event.complaint,
            kind=LetterKind.COMPLETION,
            context=completion_context(item),
            actor=event.actor,
            stage=event.stage,
        ),
    )


PRODUCERS: dict[str, Callable[[CaseEvent], None]] = {
    "stage.acknowledged": acknowledgement_letter,
    "stage.extended": extension_letter,
    "complaint.excluded": refusal_letter,
    "stage.responded": response_letter,
    "remedy.completed": remedy_completion_letter,
    "action.completed": action_completion_letter,
}


def produce_letters_for(event: CaseEvent) -> None:
    """Build and queue the letters an event calls for (run by the ``produce_letters`` task)."""
    producer = PRODUCERS.get(event.code)
    if producer is not None:
        with transaction.atomic():
            producer(event)


def _queue(event: CaseEvent) -> None:
    if not letters_automatic():
        return
    from putright.letters.tasks import produce_letters

    produce_letters.enqueue(event.pk)


for _code in PRODUCERS:
    subscribe(_code)(_queue)
