"""Reading staff pages as a person would: the text shown, the rows of the work queue."""

import html
import re


def queue_rows(page: str) -> dict[str, str]:
    """Each row of the work queue's table, by the complaint reference it links to."""
    body = page[page.index('<tbody class="govuk-table__body">') : page.index("</tbody>")]
    rows = body.split('<tr class="govuk-table__row')[1:]
    return {re.search(r"CMP-\d{4}-\d{6}", row)[0]: row for row in rows}


def page_text(page: str) -> str:
    """What a reader sees: each tag a space, runs of spaces and newlines as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


SHORT_OR_ISO_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)


def visible_text(page: str) -> str:
    """page_text without scripts and styles (whose code is not shown) and charts (images whose
    axes may abbreviate months; their description and table give the dates in full)."""
    return page_text(re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S))


def dates_not_govuk(page: str) -> list[str]:
    """Dates a reader sees as ISO ("2026-03-02") or abbreviated ("2 Mar"), not "2 March 2026"."""
    return SHORT_OR_ISO_DATE.findall(visible_text(page))
