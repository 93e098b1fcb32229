"""Browser-test helpers: Debian's Chromium driven by Playwright against pytest-django's live
server (the `browser` and `page` fixtures are in the root conftest.py), axe-core from npm.

Never `playwright install`: the browser is the system package (scripts/system-deps.sh), and
axe-core comes from npm (node_modules/axe-core, installed by scripts/setup.sh).
"""

import os
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("PUTRIGHT_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screens"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sign_in(page: Any, username: str) -> None:
    """Password, then (for anyone whose role needs it) a code from a test authenticator app."""
    from putright.accounts.factories import TEST_PASSWORD

    code = two_step_code_for(username)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button:has-text('Sign in')")
    if code is not None:
        page.wait_for_selector("h1:has-text('Enter your code')")
        page.fill("#id_code", code)
        page.click("button:has-text('Continue')")
    page.wait_for_selector("h1:has-text('Work queue')")


def two_step_code_for(username: str) -> str | None:
    """If the user's role needs two-step verification, enrol them with a test app and return
    the code it shows now; otherwise None."""
    from putright.accounts import two_step
    from putright.accounts.models import User
    from putright.accounts.testing import current_code, enrol_two_step

    user = User.objects.get(username=username)
    if not two_step.required_for(user):
        return None
    return current_code(enrol_two_step(user))


# What Playwright says when a click's navigation replaces the document while axe is being
# injected or run: the check is then made again on the page that has loaded.
NAVIGATED_AWAY = (
    "Execution context was destroyed",
    "Cannot read properties of null",
    "axe is not defined",
)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page once it has loaded.

    A click that submits a form returns before the next page has loaded, so the check waits
    for the load and, if the document is replaced under it, runs again on the new one."""
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                WCAG_TAGS,
            )
            break
        except Error as error:
            if attempt == 2 or not any(text in str(error) for text in NAVIGATED_AWAY):
                raise
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_title_starts(page: Any, prefix: str) -> None:
    """The page title, waited for: a click that submits a form returns before the next page
    has its title."""
    import re

    from playwright.sync_api import expect

    expect(page).to_have_title(re.compile("^" + re.escape(prefix)))


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def fill_date(page: Any, selector: str, day: Any) -> None:
    """Type a date into a GOV.UK date input (day, month, year) as a person would."""
    page.fill(selector, str(day.day))
    page.fill(f"{selector}_month", str(day.month))
    page.fill(f"{selector}_year", str(day.year))
    page.dispatch_event(f"{selector}_year", "change")
