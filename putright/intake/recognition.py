"""The recognition assistant on staff pages: "This looks like a complaint — log it?" (Code 1.4–1.6).

A repair's notes and a survey comment are not complaints, but dissatisfaction in them is (Code
1.2, 1.5–1.6). Pages ask `putright.rules.recognition` about each text and, where it suggests a
complaint, show the text with the phrases that carry the dissatisfaction marked, and links into
the existing ways of logging one, prefilled. Staff decide: nothing is logged by the prompt.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from putright.intake.constants import RECOGNISED_CHARS
from putright.rules.recognition import Phrase, recognise

# ServiceRequestUpdate summaries the service writes itself, never a resident's words.
_NOTE_PREFIXES = ("Note: ", "Changed ")
_COMPLAINT_RAISED = "Resident dissatisfied: complaint"


def marked(text: str, phrases: Iterable[Phrase]) -> SafeString:
    """`text`, escaped, with each phrase wrapped in <mark>."""
    parts: list[str] = []
    position = 0
    for phrase in phrases:
        parts.append(escape(text[position : phrase.start]))
        parts.append(f"<mark>{escape(text[phrase.start : phrase.end])}</mark>")
        position = phrase.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above


def log_complaint_url(
    *,
    text: str,
    received_on: date,
    channel: str,
    resident_pk: int | None = None,
    name: str = "",
    email: str = "",
) -> str:
    """The log-a-complaint page, prefilled (see complaints.views.log_complaint)."""
    query: dict[str, Any] = {
        "description": text,
        "received_on": received_on.isoformat(),
        "channel": channel,
    }
    if resident_pk is not None:
        query["resident"] = resident_pk
    else:
        query.update({k: v for k, v in (("name", name), ("email", email)) if v})
    return f"{reverse('complaints:log')}?{urlencode(query)}"


@dataclass(frozen=True)
class LooksLikeComplaint:
    """One text the assistant suggests is a complaint, ready for a page."""

    key: str  # names the text in a link back to its page ("note-12", "survey-3")
    source: str  # where the words came from, for staff
    text: str
    marked: SafeString
    score: float
    log_url: str


def _looks_like(text: str) -> tuple[SafeString, float] | None:
    result = recognise(text[:RECOGNISED_CHARS])
    if result.label != "complaint":
        return None
    return marked(text, result.phrases), result.score


def _note_text(summary: str) -> str:
    """The words typed in an update's note ("Note: …" or "Changed …: …"), or ""."""
    if summary.startswith("Note: "):
        return summary.removeprefix("Note: ")
    if summary.startswith("Changed ") and ": " in summary:
        return summary.split(": ", 1)[1]
    return ""


def service_request_prompts(item: Any) -> list[LooksLikeComplaint]:
    """Notes on a service request (newest first) that read as complaints. Not its summary: a
    title staff typed ("Boiler not heating water"), which states the fault, not a view of us.

    Notes older than a complaint already raised from the request were dealt with then."""
    found: list[LooksLikeComplaint] = []
    for update in item.updates.all():  # newest first
        if update.summary.startswith(_COMPLAINT_RAISED):
            break
        text = _note_text(update.summary)
        if text and (hit := _looks_like(text)):
            who = f" by {update.actor}" if update.actor else ""
            found.append(
                LooksLikeComplaint(
                    key=f"note-{update.pk}",
                    source=f"Note of {update.at:%-d %B %Y}{who}",
                    text=text,
                    marked=hit[0],
                    score=hit[1],
                    log_url=log_complaint_url(
                        text=text,
                        received_on=update.at.date(),
                        channel="service_request",
                        resident_pk=item.resident_id,
                    ),
                )
            )
    return found


def survey_prompts(responses: Iterable[Any]) -> list[LooksLikeComplaint]:
    """Survey comments that read as complaints, whatever score came with them."""
    found: list[LooksLikeComplaint] = []
    for response in responses:
        if not response.comment.strip() or not (hit := _looks_like(response.comment)):
            continue
        who = str(response.resident or response.respondent_name or response.respondent_email)
        found.append(
            LooksLikeComplaint(
                key=f"survey-{response.pk}",
                source=f"{who}, {response.survey} ({response.score}/5), "
                f"{response.responded_on:%-d %B %Y}",
                text=response.comment,
                marked=hit[0],
                score=hit[1],
                log_url=log_complaint_url(
                    text=response.comment,
                    received_on=response.responded_on,
                    channel="other",
                    resident_pk=response.resident_id,
                    name=response.respondent_name,
                    email=response.respondent_email,
                ),
            )
        )
    return found
