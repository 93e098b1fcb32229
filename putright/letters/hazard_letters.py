"""The written summary of a hazard investigation for a report not linked to a complaint.

A linked report's summary goes out from its case-record event (``listeners.PRODUCERS``). A
report raised from a service request, an intake item or directly has no case record: the
hazards app publishes its steps (``hazards.events``), and this module sends the summary to the
resident on the report, through the same gate, templates and outbox. The letter is keyed by
the step, so producing it again finds it; what happened is written to the report's own record
(``hazard_letter_record``).
"""

import logging

from putright.core.errors import ComplaintError
from putright.hazards import events as hazard_events
from putright.hazards.models import HazardStep
from putright.hazards.services import hazard_letter_record
from putright.letters.conf import letters_automatic
from putright.letters.constants import LetterKind
from putright.letters.context import hazard_summary_context
from putright.letters.gate import LetterIncomplete
from putright.letters.recipients import resident_recipient
from putright.letters.services.letters import letter_keep, letter_render

logger = logging.getLogger(__name__)
NO_RESIDENT = "The report names no resident to send the written summary to."


def produce_hazard_summary(step: HazardStep) -> None:
    """Render and keep the summary letter for `step` (a ``summary_sent`` step), or record why
    it could not be produced (staff then send it another way)."""
    report = step.report
    kind = LetterKind.HAZARD_SUMMARY
    if report.resident is None:
        hazard_letter_record(
            report=report,
            summary=f"{kind.label} not produced: staff action needed",
            data={"kind": kind, "reason": NO_RESIDENT, "missing": [], "step": step.pk},
        )
        return
    recipient = resident_recipient(report.resident)
    try:
        prepared = letter_render(
            kind=kind,
            resident=report.resident,
            recipient=recipient,
            context=hazard_summary_context(step.data),
            actor=step.actor,
            key=f"hazard-step:{step.pk}:{kind}:{recipient.ref}",
        )
        letter = letter_keep(prepared)
    except ComplaintError as exc:  # the gate (LetterIncomplete) or no address
        missing = [str(m) for m in exc.missing] if isinstance(exc, LetterIncomplete) else []
        hazard_letter_record(
            report=report,
            summary=f"{kind.label} not produced: staff action needed",
            data={"kind": kind, "reason": exc.message, "missing": missing, "step": step.pk},
        )
        return
    hazard_letter_record(
        report=report,
        summary=f"{kind.label} issued to {letter.recipient_name}",
        data={"kind": kind, "letter": letter.pk, "step": step.pk},
    )


@hazard_events.subscribe("hazard.summary_sent")
def _queue(step: HazardStep) -> None:
    if not letters_automatic():
        return
    from putright.letters.tasks import produce_hazard_summary as task

    task.enqueue(step.pk)
