"""Rendering a letter: body from its template, the letterhead around it, text and PDF."""

import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.template import Context

from putright.letters.constants import LARGE_PRINT_FONT_PT, STANDARD_FONT_PT
from putright.letters.templating import compile_template, letter_engine, render_source


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body_html: str  # the template's output: what the gate checks
    html: str  # the full letter on the letterhead (PDF and HTML email)
    text: str  # the plain-text email
    render_ms: int


def render_letter(
    *, kind: str, subject_source: str, body_source: str, context: dict[str, Any]
) -> RenderedLetter:
    """The letter's subject, body, full HTML and plain text (no PDF: see ``render_pdf``)."""
    started = time.perf_counter()
    data = {**context, "kind": kind}
    subject = " ".join(render_source(subject_source, data).split())
    body_html = compile_template(body_source).render(Context(data, autoescape=True))
    large = bool((context.get("recipient") or {}).get("large_print"))
    html = (
        letter_engine()
        .get_template("letters/letter.html")
        .render(
            Context(
                {
                    **data,
                    "subject": subject,
                    "body": body_html,
                    "font_pt": LARGE_PRINT_FONT_PT if large else STANDARD_FONT_PT,
                    "large_print": large,
                },
                autoescape=True,
            )
        )
    )
    text = html_to_text(html)
    return RenderedLetter(
        subject=subject,
        body_html=body_html,
        html=html,
        text=text,
        render_ms=round((time.perf_counter() - started) * 1000),
    )


def render_pdf(html: str) -> bytes:
    """The letter as PDF (A4, WeasyPrint). Images load only from our own static and media
    files (``core.urlfetcher``); anything else is refused, logged and left out."""
    from weasyprint import HTML

    from putright.core.urlfetcher import DOCUMENT_BASE_URL, AssetURLFetcher

    return HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=AssetURLFetcher()).write_pdf()


class _TextWriter(HTMLParser):
    """Turns the letter's HTML into readable plain text for the text/plain email part."""

    BLOCKS = {"p", "div", "section", "h1", "h2", "h3", "ul", "ol", "table", "tr", "address"}
    SKIP = {"style", "head", "title", "script"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0
        self.counters: list[int | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
            if tag in {"ol", "ul"}:
                self.counters.append(0 if tag == "ol" else None)
        elif tag == "li":
            number = self.counters[-1] if self.counters else None
            if number is None:
                self.parts.append("\n- ")
            else:
                self.counters[-1] = number + 1
                self.parts.append(f"\n{number + 1}. ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in {"td", "th", "dt", "dd"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
            if tag in {"ol", "ul"} and self.counters:
                self.counters.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html)
    text = "".join(writer.parts)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
