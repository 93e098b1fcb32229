"""Letters produced when the lifecycle moves (contract 2: case-record events, after commit).

Each listener runs in its own transaction after the change is committed. If a letter cannot
be produced (the gate refuses it, or rendering fails) the case record says so, for staff to
act on; the complaint's own change is never undone.
"""

import logging
from collections.abc import Callable

from putright.complaints.events import subscribe
from putright.complaints.models import CaseEvent, Exclusion, Extension, OutstandingAction, Remedy
from putright.complaints.services.common import record_event
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
    except LetterIncomplete as exc:
        _not_produced(kind, event, exc.message, [str(m) for m in exc.missing])
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


@subscribe("stage.acknowledged")
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


@subscribe("stage.extended")
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


@subscribe("complaint.excluded")
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


@subscribe("stage.responded")
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


@subscribe("remedy.completed")
def remedy_completion_letter(event: CaseEvent) -> None:
    remedy = Remedy.objects.get(pk=event.data["remedy"])
    _completion(event, remedy)


@subscribe("action.completed")
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
