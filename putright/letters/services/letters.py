"""Producing letters: gate, render, keep, and hand to the outbox (one letter per recipient)."""

import logging
import time
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from putright.complaints.models import Complaint
from putright.complaints.services.common import record_event
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.profile import profile_code
from putright.core.validation import require_text
from putright.letters import conf
from putright.letters.constants import DeliveryChannel, LetterKind, OutboxStatus
from putright.letters.context import (
    base_context,
    portal_link_context,
    survey_follow_up_context,
    update_context,
)
from putright.letters.gate import (
    LetterIncomplete,
    missing_from_data,
    missing_from_rendered,
    missing_from_view,
)
from putright.letters.models import Letter, OutboxItem
from putright.letters.recipients import Recipient, recipients_for, resident_recipient
from putright.letters.rendering import RenderedLetter, render_letter, render_pdf
from putright.letters.requirements import required_elements
from putright.letters.templating import current_template
from putright.people.models import Resident
from putright.rules.profile import get_profile

logger = logging.getLogger(__name__)

UPDATE_NEEDS_PROGRESS = "Say what has happened since the resident was last told (Code 5.9)."
UPDATE_NEEDS_DATE = "Say when the resident will next hear from us (Code 5.9)."
UPDATE_DATE_PAST = "The next update must be after today."
NO_ADDRESS = "There is no email or postal address for {name}: add one so the letter can go."
PORTAL_LINK_NEEDS_EMAIL = "The resident has no email address to send a sign-in link to."


def _profile_code(complaint: Complaint | None) -> str:
    return complaint.profile_code if complaint else profile_code()


def letter_prepare(
    *,
    kind: str,
    resident: Resident,
    recipient: Recipient,
    context: dict[str, Any],
    complaint: Complaint | None = None,
    stage: int | None = None,
    template: tuple[str, str, int] | None = None,
) -> tuple[dict[str, Any], RenderedLetter, int]:
    """Build, gate and render a letter without keeping it (for review and preview).

    Raises LetterIncomplete listing every missing element, from the data first and then
    from the rendered letter (a template that hides an element).
    """
    elements = required_elements(kind, profile=get_profile(_profile_code(complaint)), stage=stage)
    full = {
        **base_context(resident=resident, recipient=recipient, complaint=complaint),
        **context,
    }
    missing = missing_from_data(full, elements)
    if missing:
        raise LetterIncomplete(missing)
    subject, body, version = template or current_template(kind)
    rendered = render_letter(kind=kind, subject_source=subject, body_source=body, context=full)
    missing = missing_from_rendered(rendered.body_html, full, elements)
    if missing:
        raise LetterIncomplete(missing)
    return full, rendered, version


def letter_pdf_checked(
    *, kind: str, rendered: RenderedLetter, complaint: Complaint | None, stage: int | None
) -> bytes:
    """The letter's PDF, once the gate has seen every required element in it (and in the
    plain-text email) as the resident will: LetterIncomplete if CSS or layout hides one."""
    elements = required_elements(kind, profile=get_profile(_profile_code(complaint)), stage=stage)
    pdf = render_pdf(rendered.html)
    missing = missing_from_view(
        body_html=rendered.body_html, pdf=pdf, text=rendered.text, elements=elements
    )
    if missing:
        raise LetterIncomplete(missing)
    return pdf


def _delivery_channel(recipient: Recipient) -> str:
    notify = bool(conf.notify_api_key())
    if recipient.channel == DeliveryChannel.EMAIL:
        if notify and conf.notify_email_template_id():
            return DeliveryChannel.NOTIFY_EMAIL
        return DeliveryChannel.EMAIL
    return DeliveryChannel.NOTIFY_LETTER if notify else DeliveryChannel.POST


@transaction.atomic
def letter_issue(
    *,
    kind: str,
    resident: Resident,
    recipient: Recipient,
    context: dict[str, Any],
    actor: Any,
    complaint: Complaint | None = None,
    stage: int | None = None,
) -> Letter:
    """Gate and render one letter, keep it (data, HTML, text, PDF) and queue its delivery."""
    if not recipient.to_address.strip():
        raise RuleBroken(NO_ADDRESS.format(name=recipient.name), field="recipient")
    started = timezone.now()
    clock = time.perf_counter()
    full, rendered, version = letter_prepare(
        kind=kind,
        resident=resident,
        recipient=recipient,
        context=context,
        complaint=complaint,
        stage=stage,
    )
    pdf = letter_pdf_checked(kind=kind, rendered=rendered, complaint=complaint, stage=stage)
    render_ms = round((time.perf_counter() - clock) * 1000)
    name = "-".join(part for part in (full.get("reference"), kind, slugify(recipient.name)) if part)
    user = actor if getattr(actor, "is_authenticated", False) else None
    letter = Letter(
        complaint=complaint,
        resident=resident,
        kind=kind,
        stage=stage,
        recipient_name=recipient.name,
        recipient_role=recipient.role,
        subject=rendered.subject[:300],
        context=full,
        html=rendered.html,
        text=rendered.text,
        large_print=recipient.large_print,
        template_version=version,
        render_ms=render_ms,
        created_by=user,
        created_at=started,
    )
    letter.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    letter.save()
    channel = _delivery_channel(recipient)
    item = OutboxItem.objects.create(
        letter=letter,
        channel=channel,
        to_address=recipient.to_address,
        status=OutboxStatus.TO_PRINT if channel == DeliveryChannel.POST else OutboxStatus.PENDING,
    )
    if complaint is not None:
        record_event(
            complaint,
            "letter.issued",
            f"{LetterKind(kind).label} letter to {recipient.name} ({item.get_channel_display()})",
            actor=actor,
            actor_label="PutRight letters",
            stage=stage,
            data={
                "letter": letter.pk,
                "kind": kind,
                "recipient": recipient.name,
                "role": recipient.role,
                "channel": channel,
                "large_print": recipient.large_print,
                "template_version": version,
            },
        )
    if item.status == OutboxStatus.PENDING:
        from putright.letters.tasks import deliver_letter

        transaction.on_commit(lambda: deliver_letter.enqueue(item.pk))
    return letter


def letters_issue(
    *,
    complaint: Complaint,
    kind: str,
    context: dict[str, Any],
    actor: Any,
    stage: int | None = None,
) -> list[Letter]:
    """Issue a letter about `complaint` to everyone it goes to (``recipients_for``)."""
    return [
        letter_issue(
            kind=kind,
            resident=complaint.resident,
            recipient=recipient,
            context=context,
            actor=actor,
            complaint=complaint,
            stage=stage,
        )
        for recipient in recipients_for(complaint)
    ]


def update_send(
    *, complaint: Complaint, progress: str, next_update: date | None, actor: Any
) -> list[Letter]:
    """Keep the resident informed at the agreed interval (Code 5.9)."""
    progress = require_text(progress, "progress", UPDATE_NEEDS_PROGRESS)
    if next_update is None:
        raise InvalidInput(UPDATE_NEEDS_DATE, field="next_update")
    if next_update <= timezone.localdate():
        raise InvalidInput(UPDATE_DATE_PAST, field="next_update")
    return letters_issue(
        complaint=complaint,
        kind=LetterKind.UPDATE,
        context=update_context(complaint, progress=progress, next_update=next_update),
        actor=actor,
        stage=complaint.current_stage,
    )


def survey_follow_up_send(*, resident: Resident, actor: Any) -> Letter:
    """After dissatisfaction in a survey, tell the resident how to complain (Code 1.6)."""
    return letter_issue(
        kind=LetterKind.SURVEY_FOLLOW_UP,
        resident=resident,
        recipient=resident_recipient(resident),
        context=survey_follow_up_context(),
        actor=actor,
    )


def portal_link_send(*, resident: Resident, link: str, expires_in_minutes: int) -> Letter:
    """Email a one-time portal sign-in link (by email only: a posted link would expire)."""
    recipient = resident_recipient(resident)
    if not resident.email:
        raise InvalidInput(PORTAL_LINK_NEEDS_EMAIL, field="email")
    return letter_issue(
        kind=LetterKind.PORTAL_LINK,
        resident=resident,
        recipient=Recipient(
            name=recipient.name,
            role=recipient.role,
            channel=DeliveryChannel.EMAIL,
            email=resident.email,
            large_print=recipient.large_print,
        ),
        context=portal_link_context(link=link, expires_in_minutes=expires_in_minutes),
        actor=None,
    )
