"""Letters produced when the lifecycle moves (case-record events, after commit).

A listener only queues the work (``produce_letters`` task), so a request never waits for a
PDF and a bulk import is not slowed down; the task builds the letters in its own
transaction. If a letter cannot be produced (the gate refuses it, or rendering fails) the
case record says so, for staff to act on; the complaint's own change is never undone.
PUTRIGHT_LETTERS_AUTOMATIC=false (environment or setting) stops automatic letters; replayed
history (``events.replaying_history``) never reaches these listeners.
"""

import logging
from collections.abc import Callable

from django.db import transaction

from putright.complaints.events import subscribe
from putright.complaints.models import CaseEvent, Exclusion, Extension, OutstandingAction, Remedy
from putright.complaints.services.common import record_event
from putright.core.errors import ComplaintError
from putright.letters.conf import letters_automatic
from putright.letters.constants import LetterKind
from putright.letters.context import (
    acknowledgement_context,
    completion_context,
    extension_context,
    hazard_summary_context,
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


# Each letter an event calls for: which kind, and how to build its data (and its stage) from
# the event. Building runs inside _safely, so a failure is recorded for staff, not lost.
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


def _hazard_summary(event: CaseEvent) -> Built:
    # The hazards app (a sibling: never imported) puts the whole summary in the event's data.
    return hazard_summary_context(event.data), None


PRODUCERS: dict[str, tuple[str, Callable[[CaseEvent], Built]]] = {
    "stage.acknowledged": (LetterKind.ACKNOWLEDGEMENT, _acknowledgement),
    "stage.extended": (LetterKind.EXTENSION, _extension),
    "complaint.excluded": (LetterKind.REFUSAL, _refusal),
    "stage.responded": (LetterKind.RESPONSE, _response),
    "remedy.completed": (LetterKind.COMPLETION, _remedy_completed),
    "action.completed": (LetterKind.COMPLETION, _action_completed),
    "hazard.summary_sent": (LetterKind.HAZARD_SUMMARY, _hazard_summary),
}


def _produce(kind: str, event: CaseEvent, build: Callable[[CaseEvent], Built]) -> None:
    context, stage = build(event)
    letters_issue(
        complaint=event.complaint, kind=kind, context=context, actor=event.actor, stage=stage
    )


def produce_letters_for(event: CaseEvent) -> None:
    """Build and queue the letters an event calls for (run by the ``produce_letters`` task)."""
    if event.code not in PRODUCERS:
        return
    kind, build = PRODUCERS[event.code]
    with transaction.atomic():
        _safely(kind, event, lambda: _produce(kind, event, build))


def _queue(event: CaseEvent) -> None:
    if not letters_automatic():
        return
    from putright.letters.tasks import produce_letters

    produce_letters.enqueue(event.pk)


for _code in PRODUCERS:
    subscribe(_code)(_queue)
