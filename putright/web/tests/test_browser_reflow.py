"""Narrow screens (WCAG 1.4.10 reflow): the staff header keeps its search box and button on one
line at 640, 375 and 320 CSS px, nothing in it overlapping; at 320 CSS px no page scrolls
sideways: a data table wider than the screen scrolls inside its own focusable region."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from putright.accounts import factories as staff
from putright.complaints.tests.stories import acknowledged, received, responded
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 320  # CSS px: WCAG 1.4.10's width (1280 px at 400% zoom)

HEADER_BOXES = """() => {
  const box = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  return {
    header: box('.putright-header'),
    user: box('.putright-header__user'),
    name: box('.putright-header__link'),
    search: box('.putright-header__search'),
    input: box('#header-search'),
    button: box('.putright-header__search button'),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  };
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def header_problems(boxes: dict, width: int) -> list[str]:
    problems = []
    if boxes["scrollWidth"] > boxes["clientWidth"]:
        problems.append(f"page scrolls sideways ({boxes['scrollWidth']} px)")
    for name in ("user", "name", "search", "input", "button"):
        if boxes[name]["left"] < 0 or boxes[name]["right"] > width:
            problems.append(f"{name} overflows the screen: {boxes[name]}")
    input_, button = boxes["input"], boxes["button"]
    # One line: the button starts to the right of the box and shares its row.
    if button["left"] < input_["right"] or button["top"] >= input_["bottom"]:
        problems.append(f"search wraps: box {input_}, button {button}")
    for a, b in (("user", "name"), ("user", "search"), ("name", "search")):
        if _overlap(boxes[a], boxes[b]):
            problems.append(f"{a} overlaps {b}")
    return problems


def test_the_header_search_stays_on_one_line_at_narrow_widths(page):
    staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    sign_in(page, "olivia")
    found = {}
    for width in (640, 375, NARROW):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/follow-ups/")
        expect(page.locator("#header-search")).to_be_visible()
        problems = header_problems(page.evaluate(HEADER_BOXES), width)
        if problems:
            found[width] = problems
        if width == 375:
            screenshot(page, "header-375", full_page=False)
    assert found == {}


# What sticks out past the right edge (the innermost such elements, outside table regions):
# named in the failure so it says what to fix.
WIDEST = """() => {
  const w = document.documentElement.clientWidth;
  const inTable = (el) => el.parentElement && el.parentElement.closest('.app-table-wrapper');
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '');
  const out = Array.from(document.querySelectorAll('body *')).filter(
    (el) => el.getBoundingClientRect().right > w + 0.5 && !inTable(el));
  const boxes = out.filter((el) => !out.some((o) => o !== el && el.contains(o))).map(
    (el) => name(el) + ' ' + Math.round(el.getBoundingClientRect().right));
  // Text that runs past the edge of its box (a long address or email that does not wrap).
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || inTable(node.parentElement) ||
        node.parentElement.closest('.govuk-visually-hidden, script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > w + 0.5) texts.push(name(node.parentElement) + ' "' + node.textContent.trim().slice(0, 40) + '" ' + Math.round(right));
  }
  // Failing those, the innermost boxes whose content is wider than the screen.
  const wide = Array.from(document.querySelectorAll('body *')).filter(
    (el) => el.scrollWidth > w + 0.5 && !inTable(el) && !el.classList.contains('app-table-wrapper'));
  const inner = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o))).map(
    (el) => name(el) + ' scrollWidth ' + el.scrollWidth);
  return boxes.concat(texts, inner).slice(0, 6);
}"""


def _no_sideways_scroll(page, name: str, too_wide: dict, inaccessible: dict) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    client = page.evaluate("document.documentElement.clientWidth")
    if width > client:
        too_wide[name] = (width, page.evaluate(WIDEST))
        screenshot(page, f"reflow-320-{name}")
    # Every data table scrolls in its own focusable, named region.
    loose = page.evaluate(
        "Array.from(document.querySelectorAll('table'))"
        ".filter(t => !t.closest('.app-table-wrapper[tabindex=\"0\"][role=region][aria-label]'))"
        ".length"
    )
    if loose:
        too_wide[f"{name}: tables outside a scrolling region"] = loose
    violations = axe_violations(page)
    if violations:
        inaccessible[name] = violations


def test_pages_reflow_at_320_css_pixels_with_tables_scrolling_in_their_own_region(page):
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    rosa = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    on = today()
    complaint = received(resident=rosa, actor=olivia, on=on - timedelta(days=10))
    complaint = acknowledged(complaint, actor=olivia, on=on - timedelta(days=9), handler=olivia)
    complaint = responded(complaint, actor=olivia)
    open_one = received(resident=rosa, actor=olivia, on=on - timedelta(days=3))
    sign_in(page, "olivia")
    page.set_viewport_size({"width": NARROW, "height": 800})
    too_wide: dict = {}
    inaccessible: dict = {}
    staff_pages = {
        "queue": "/?scope=all",
        "case": f"/complaints/{complaint.reference}/",
        "open-case": f"/complaints/{open_one.reference}/",
        "follow-ups": "/follow-ups/",
        "dashboard": "/dashboard/",
        "reports": "/reports/",
        "resident": f"/people/{rosa.pk}/",
    }
    for name, url in staff_pages.items():
        page.goto(url)
        _no_sideways_scroll(page, name, too_wide, inaccessible)
        if name == "case":
            screenshot(page, "table-320-case", full_page=True)
    # The public form and the resident portal (signed out of the staff side first).
    page.context.clear_cookies()
    page.goto("/complain/")
    _no_sideways_scroll(page, "public-form", too_wide, inaccessible)
    page.goto("/portal/")
    _no_sideways_scroll(page, "portal-sign-in", too_wide, inaccessible)
    page.fill("#email", "rosa.bell@example.org")
    page.click("button:has-text('Email me a sign-in link')")
    page.wait_for_selector("h1:has-text('Check your email')")
    link = re.search(r"http://[^/\s]+(/portal/sign-in/[^/\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.click("button:has-text('Continue to your complaints')")
    page.wait_for_selector("h1:has-text('Your complaints')")
    _no_sideways_scroll(page, "portal-complaints", too_wide, inaccessible)
    page.goto(f"/portal/complaints/{complaint.reference}/")
    _no_sideways_scroll(page, "portal-complaint", too_wide, inaccessible)
    screenshot(page, "table-320-portal-complaint", full_page=True)
    assert too_wide == {}, "\n".join(f"{k}: {v}" for k, v in too_wide.items())
    assert inaccessible == {}, "\n".join(f"{k}: {v}" for k, v in inaccessible.items())
