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
