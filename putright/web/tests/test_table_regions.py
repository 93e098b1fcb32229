"""Every data table on a screen is wrapped by the one `{% scrolling_table %}` tag, so at 320 CSS
px it scrolls in its own focusable region and the page does not (WCAG 1.4.10). Printed letters
and PDFs are laid out for paper and keep bare tables."""

import re
from pathlib import Path

from django.template import Context, Template

import putright

PAPER = ("/pdf/", "/letters/elements/")
TEMPLATES = [
    path
    for path in Path(putright.__file__).parent.rglob("templates/**/*.html")
    if not any(part in str(path) for part in PAPER)
]


def test_every_screen_table_is_in_a_scrolling_region():
    bare = []
    for path in TEMPLATES:
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            if not text[: match.start()].rstrip().endswith("{% scrolling_table %}"):
                bare.append(f"{path}:{text[: match.start()].count(chr(10)) + 1}")
    assert bare == []


def test_the_region_is_focusable_and_named_by_the_caption():
    html = Template(
        "{% load tables %}{% scrolling_table %}<table><caption class='x'>Open &amp; "
        "<span>closed</span> cases</caption></table>{% endscrolling_table %}"
    ).render(Context())
    assert html.startswith(
        '<div class="app-table-wrapper" tabindex="0" role="region" '
        'aria-label="Open &amp; closed cases"><table>'
    )
    untitled = Template(
        "{% load tables %}{% scrolling_table 'Caseload' %}<table></table>{% endscrolling_table %}"
    ).render(Context())
    assert 'aria-label="Caseload"' in untitled


REGION_OPENS = re.compile(
    r'<div class="app-table-wrapper" tabindex="0" role="region" aria-label="[^"]+">\s*$'
)


def test_a_rendered_page_shows_each_table_inside_its_region(client, administrator):
    """The tag as the pages use it: the jobs page's table, rendered, sits in a region (the
    check above reads the templates; this one reads what a person gets)."""
    client.force_login(administrator)
    page = client.get("/system/jobs/").content.decode()
    tables = [match.start() for match in re.finditer(r"<table\b", page)]
    assert tables, "the jobs page shows its jobs in a table"
    assert [start for start in tables if not REGION_OPENS.search(page[:start])] == []
