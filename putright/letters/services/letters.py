"""Producing letters: gate, render, keep, and hand to the outbox (one letter per recipient)."""

import logging
import time
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from putright.complaints.models import Complaint
from putright.complaints.services.common import record_event
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.profile import profile_code
from putright.letters import conf
from putright.letters.constants import DeliveryChannel, LetterKind, MessageKind, OutboxStatus
from putright.letters.context import (
    base_context,
    portal_link_context,
    survey_follow_up_context,
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
    full = {
        **base_context(resident=resident, recipient=recipient, complaint=complaint),
        **context,
    }
    elements = required_elements(
        kind, profile=get_profile(_profile_code(complaint)), stage=stage, context=full
    )
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


def new_message_id() -> str:
    """A Message-ID made once per letter and reused on every attempt to send it."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "putright.invalid"
    return make_msgid(idstring="putright", domain=domain)


def _already_made(key: str) -> Letter | None:
    return Letter.objects.filter(key=key).first() if key else None


def _keep(letter: Letter) -> Letter | None:
    """Save a new letter; None if another worker saved the same key first (a race)."""
    if not letter.key:
        letter.save()
        return letter
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        if Letter.objects.filter(key=letter.key).exists():
            return None
        raise
    return letter


def _what(letter: Letter) -> str:
    label = letter.get_kind_display()
    return f"{label} letter" if letter.kind in LetterKind.values else label


def _queue_delivery(
    letter: Letter, *, channel: str, to_address: str, actor: Any, stage: int | None = None
) -> OutboxItem:
    item = OutboxItem.objects.create(
        letter=letter,
        channel=channel,
        to_address=to_address,
        status=OutboxStatus.TO_PRINT if channel == DeliveryChannel.POST else OutboxStatus.PENDING,
    )
    if letter.complaint is not None:
        record_event(
            letter.complaint,
            "letter.issued",
            f"{_what(letter)} to {letter.recipient_name} ({item.get_channel_display()})",
            actor=actor,
            actor_label="PutRight letters",
            stage=stage,
            data={
                "letter": letter.pk,
                "kind": letter.kind,
                "recipient": letter.recipient_name,
                "role": letter.recipient_role,
                "channel": channel,
                "large_print": letter.large_print,
                "template_version": letter.template_version,
                "message_id": letter.message_id,
            },
        )
    if item.status == OutboxStatus.PENDING:
        from putright.letters.tasks import deliver_letter

        transaction.on_commit(lambda: deliver_letter.enqueue(item.pk))
    return item


@dataclass
class Prepared:
    """A letter rendered (its PDF stored) but not yet kept, or the one already kept."""

    letter: Letter
    channel: str
    to_address: str
    actor: Any
    existing: bool = False


def letter_render(
    *,
    kind: str,
    resident: Resident,
    recipient: Recipient,
    context: dict[str, Any],
    actor: Any,
    complaint: Complaint | None = None,
    stage: int | None = None,
    key: str = "",
    source_event: Any = None,
) -> Prepared:
    """Gate and render one letter and store its PDF, writing nothing to the database.

    Slow (a PDF), so event letters do it outside any transaction; ``letter_keep`` then
    writes it in a short one.
    """
    existing = _already_made(key)
    if existing is not None:
        return Prepared(existing, channel="", to_address="", actor=actor, existing=True)
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
        key=key,
        source_event=source_event,
        message_id=new_message_id(),
    )
    letter.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    return Prepared(
        letter, channel=_delivery_channel(recipient), to_address=recipient.to_address, actor=actor
    )


def letter_keep(prepared: Prepared) -> Letter:
    """Keep a rendered letter and queue its delivery; with a key, at most once."""
    letter = prepared.letter
    if prepared.existing:
        return letter
    if _keep(letter) is None:
        letter.pdf.delete(save=False)
        return Letter.objects.get(key=letter.key)
    _queue_delivery(
        letter,
        channel=prepared.channel,
        to_address=prepared.to_address,
        actor=prepared.actor,
        stage=letter.stage,
    )
    return letter


def letter_discard(prepared: Prepared) -> None:
    """Remove the stored PDF of a rendered letter that will not be kept."""
    if not prepared.existing and prepared.letter.pdf:
        prepared.letter.pdf.delete(save=False)


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
    key: str = "",
    source_event: Any = None,
) -> Letter:
    """Gate and render one letter, keep it (data, HTML, text, PDF) and queue its delivery.

    With a `key`, issuing again returns the letter already made: never a second one.
    """
    return letter_keep(
        letter_render(
            kind=kind,
            resident=resident,
            recipient=recipient,
            context=context,
            actor=actor,
            complaint=complaint,
            stage=stage,
            key=key,
            source_event=source_event,
        )
    )


def _email_channel() -> str:
    if conf.notify_api_key() and conf.notify_email_template_id():
        return DeliveryChannel.NOTIFY_EMAIL
    return DeliveryChannel.EMAIL


@transaction.atomic
def message_queue(
    *,
    kind: str,
    to: str,
    name: str,
    subject: str,
    body: str,
    key: str,
    complaint: Complaint | None = None,
    resident: Resident | None = None,
    role: str = "resident",
    body_after_sending: str = "",
) -> Letter | None:
    """Queue a plain email (a receipt, a sign-in link, a reminder to staff) in the outbox.

    It goes by email, through GOV.UK Notify when configured, after commit, once per `key`.
    It joins the case record when sent, if it concerns a complaint (Code 5.12).
    `body_after_sending` replaces the body once sent (a sign-in link is not kept).
    Returns None when there is no address to send to.
    """
    if kind not in MessageKind.values:
        raise ValueError(f"Unknown message kind {kind!r}.")
    if not to.strip():
        return None
    existing = _already_made(key)
    if existing is not None:
        return existing
    letter = Letter(
        complaint=complaint,
        resident=resident,
        kind=kind,
        recipient_name=name[:200] or to,
        recipient_role=role,
        subject=subject[:300],
        context={"body_after_sending": body_after_sending} if body_after_sending else {},
        text=body,
        created_at=timezone.now(),
        key=key,
        message_id=new_message_id(),
    )
    if _keep(letter) is None:
        return Letter.objects.get(key=key)
    _queue_delivery(letter, channel=_email_channel(), to_address=to.strip(), actor=None)
    return letter


def letters_render(
    *,
    complaint: Complaint,
    kind: str,
    context: dict[str, Any],
    actor: Any,
    stage: int | None = None,
    source_event: Any = None,
) -> list[Prepared]:
    """Render a letter about `complaint` for everyone it goes to (``recipients_for``).

    Letters caused by a case-record event are keyed by (event, kind, recipient): producing
    them again, after a crash or a duplicated task, finds them rather than making more.
    """
    return [
        letter_render(
            kind=kind,
            resident=complaint.resident,
            recipient=recipient,
            context=context,
            actor=actor,
            complaint=complaint,
            stage=stage,
            source_event=source_event,
            key=f"event:{source_event.pk}:{kind}:{recipient.ref}"[:200]
            if source_event is not None
            else "",
        )
        for recipient in recipients_for(complaint)
    ]


@transaction.atomic
def letters_issue(
    *,
    complaint: Complaint,
    kind: str,
    context: dict[str, Any],
    actor: Any,
    stage: int | None = None,
    source_event: Any = None,
) -> list[Letter]:
    """Issue a letter about `complaint` to everyone it goes to (see ``letters_render``)."""
    prepared = letters_render(
        complaint=complaint,
        kind=kind,
        context=context,
        actor=actor,
        stage=stage,
        source_event=source_event,
    )
    return [letter_keep(p) for p in prepared]


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
