"""`{{ text|highlight:phrases }}`: the message, escaped, with the phrases that carry the
dissatisfaction in <mark>, so staff see why the assistant suggested "complaint"."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, phrases: list) -> SafeString:
    text = text or ""
    pieces: list[str] = []
    at = 0
    for span in sorted(phrases or [], key=lambda s: (s[0], s[1])):
        start, end = int(span[0]), int(span[1])
        if start < at or end <= start or end > len(text):
            continue  # overlapping or out of range: never trust offsets blindly
        pieces.append(escape(text[at:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    pieces.append(escape(text[at:]))
    # Every piece of the sender's text went through escape(); only <mark> is ours.
    return mark_safe("".join(pieces))  # noqa: S308


@register.filter
def percent(score: float) -> int:
    return round((score or 0) * 100)
