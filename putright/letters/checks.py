"""The letters app's check on a drafted response, registered with the complaints hook."""

from django.utils import timezone

from putright.complaints.hooks import register_response_check, register_response_preview
from putright.complaints.models import Stage
from putright.complaints.services import ResponseInput
from putright.core.errors import ComplaintError
from putright.letters.constants import LetterKind
from putright.letters.context import response_context
from putright.letters.recipients import recipients_for
from putright.letters.services.letters import letter_prepare


@register_response_check
def response_letter_complete(stage: Stage, data: ResponseInput) -> None:
    """The response letter must pass the content gate for every recipient."""
    complaint = stage.complaint
    for recipient in recipients_for(complaint):
        letter_prepare(
            kind=LetterKind.RESPONSE,
            resident=complaint.resident,
            recipient=recipient,
            context=response_context(stage, data, issued_on=timezone.localdate()),
            complaint=complaint,
            stage=stage.number,
        )


@register_response_preview
def response_letter_preview(stage: Stage, data: ResponseInput) -> tuple[str, str]:
    """The response letter as the first recipient would get it today, or the gate's message.
    The review page shows a draft through this too, so author and reviewer see one letter."""
    complaint = stage.complaint
    try:
        _full, rendered, _v = letter_prepare(
            kind=LetterKind.RESPONSE,
            resident=complaint.resident,
            recipient=recipients_for(complaint)[0],
            context=response_context(stage, data, issued_on=timezone.localdate()),
            complaint=complaint,
            stage=stage.number,
        )
    except ComplaintError as exc:
        return "", exc.message
    return rendered.html, ""
