"""Editing letter templates: administrators only, and never at the cost of a gated element."""

from typing import Any

from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError

from putright.core.errors import InvalidInput, RuleBroken
from putright.core.permissions import Action, allowed
from putright.core.profile import current_profile
from putright.letters.constants import LetterKind
from putright.letters.gate import LetterIncomplete
from putright.letters.models import LetterTemplate
from putright.letters.preview import SAMPLE_REFERENCE, sample_context
from putright.letters.recipients import Recipient
from putright.letters.rendering import RenderedLetter
from putright.letters.requirements import required_elements
from putright.letters.templating import TEMPLATE_SYNTAX, template_errors
from putright.people.models import Resident

ADMINISTRATORS_ONLY = "Only an administrator can change letter templates."
SUBJECT_REQUIRED = "Give the letter a subject."
UNKNOWN_KIND = "Choose a kind of letter from the list."
NO_SUCH_STAGE = "Choose a stage the Code has."


def is_template_editor(user: Any) -> bool:
    return allowed(user, Action.EDIT_LETTER_TEMPLATES)


def _stages_for(kind: str) -> list[int | None]:
    profile = current_profile()
    if kind in {LetterKind.RESPONSE, LetterKind.ACKNOWLEDGEMENT, LetterKind.EXTENSION}:
        return [stage.number for stage in profile.stages]
    return [None]


def template_preview(
    *, kind: str, subject: str, body: str, stage: int | None = None, large_print: bool = False
) -> RenderedLetter:
    """The letter `body` would produce with sample data; LetterIncomplete if it hides an element.

    Raises InvalidInput listing the syntax error or the missing ``{% element %}`` tags.
    """
    from putright.letters.services.letters import letter_prepare

    if kind not in LetterKind.values:
        raise InvalidInput(UNKNOWN_KIND, field="kind")
    profile = current_profile()
    if stage is not None and stage not in {s.number for s in profile.stages}:
        raise InvalidInput(NO_SUCH_STAGE, field="stage")
    errors = template_errors(subject, body, required_elements(kind, profile=profile, stage=stage))
    if errors:
        raise InvalidInput(" ".join(errors), field="body")
    resident = Resident(full_name="Alex Example")
    recipient = Recipient(
        name="Alex Example",
        role="resident",
        channel="post",
        postal_address="14 Orchard Road, Exampleton, EX2 4RB",
        large_print=large_print,
    )
    context = {**sample_context(kind, stage=stage or 1), "reference": SAMPLE_REFERENCE}
    try:
        _full, rendered, _version = letter_prepare(
            kind=kind,
            resident=resident,
            recipient=recipient,
            context=context,
            stage=stage,
            template=(subject, body, 0),
        )
    except (TemplateSyntaxError, TemplateDoesNotExist, ValueError, TypeError) as exc:
        # An error only rendering reveals (a filter given text it cannot read, an element
        # key that does not exist): the administrator's to fix, not a server error.
        raise InvalidInput(TEMPLATE_SYNTAX.format(error=exc), field="body") from None
    return rendered


@transaction.atomic
def letter_template_save(*, kind: str, subject: str, body: str, actor: Any) -> LetterTemplate:
    """Save an administrator's wording; refused if any required element would be lost, or
    hidden from the resident by CSS (checked in the rendered PDF)."""
    from putright.letters.services.letters import letter_pdf_checked

    if not is_template_editor(actor):
        raise RuleBroken(ADMINISTRATORS_ONLY)
    subject = subject.strip()
    if not subject:
        raise InvalidInput(SUBJECT_REQUIRED, field="subject")
    for stage in _stages_for(kind):
        try:
            rendered = template_preview(kind=kind, subject=subject, body=body, stage=stage)
            letter_pdf_checked(kind=kind, rendered=rendered, complaint=None, stage=stage)
        except LetterIncomplete as exc:
            raise InvalidInput(exc.message, field="body") from None
    template, created = LetterTemplate.objects.get_or_create(
        kind=kind, defaults={"subject": subject, "body": body, "updated_by": actor}
    )
    if not created:
        template.subject = subject
        template.body = body
        template.version += 1
        template.updated_by = actor
        template.save()
    return template
