"""Project-wide test set-up and named staff personas usable from every app's tests."""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tasks run inline so a test sees their effects; must be set before the first task is
    # enqueued because django.tasks caches its backends.
    # The "database" alias keeps the production backend reachable for tests of the queue itself.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "database": {**settings.TASKS["default"]},
    }
    # Every query build kept for reuse is checked not to read the clock (core.built_once).
    settings.CHECK_BUILT_ONCE = True
    # Hashing with PBKDF2 costs ~0.3 s per user; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run with DEBUG off (as production does) but the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # The manifest storage needs collectstatic first; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _end_stray_postgres_sessions(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Before the test database is dropped, end any session a test's thread left open (a live
    server's or a threaded concurrency test's connection); otherwise PostgreSQL refuses the
    drop ("being accessed by other users") and the run ends in a teardown error."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep uploaded files out of the project's media/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _force_login_passes_two_step(request, monkeypatch):
    """A persona signed in with `client.force_login` (or `client.login`) has passed two-step verification too, as
    if they had typed the code; tests marked `real_two_step` go through it themselves."""
    if request.node.get_closest_marker("real_two_step"):
        return
    from django.test import Client

    from putright.accounts.testing import pass_two_step

    original_force_login, original_login = Client.force_login, Client.login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original_force_login(self, user, backend)
        pass_two_step(self)

    def login(self: Client, **credentials: Any) -> bool:
        signed_in = original_login(self, **credentials)
        if signed_in:
            pass_two_step(self)
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def handler(db):
    """Hamid, a complaint handler."""
    from putright.accounts import factories

    return factories.handler(username="hamid", first_name="Hamid", last_name="Shah")


@pytest.fixture
def second_handler(db):
    """Hannah, another complaint handler (e.g. for stage 2, which needs a different person)."""
    from putright.accounts import factories

    return factories.handler(username="hannah", first_name="Hannah", last_name="Lee")


@pytest.fixture
def officer(db):
    """Olivia, the complaints officer."""
    from putright.accounts import factories

    return factories.officer(username="olivia", first_name="Olivia", last_name="Okafor")


@pytest.fixture
def viewer(db):
    """Vera, the governing body's Member Responsible for Complaints (reads; approves)."""
    from putright.accounts import factories

    return factories.mrc(username="vera", first_name="Vera", last_name="Mills")


@pytest.fixture
def board_member(db):
    """Gita, a governing body member (not the MRC)."""
    from putright.accounts import factories

    return factories.board_member(username="gita", first_name="Gita", last_name="Rao")


@pytest.fixture
def senior_lead(db):
    """Simon, the senior lead for complaints (reads; approves exceptional circumstances)."""
    from putright.accounts import factories

    return factories.senior_lead(username="simon", first_name="Simon", last_name="Clarke")


@pytest.fixture
def administrator(db):
    """A system administrator (Django superuser)."""
    from putright.accounts import factories

    return factories.administrator(username="sysadmin", first_name="Sam", last_name="Admin")


# --- browser tests (marked `browser`): helpers in putright/web/tests/browser.py -------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Debian Chromium for the whole test session (one Playwright per process)."""
    from putright.web.tests.browser import AXE, CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run scripts/setup.sh (apt chromium).")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/setup.sh (npm install).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, settings, monkeypatch) -> Iterator[Any]:
    # The live server speaks plain HTTP, so cookies must not be HTTPS-only here.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # bypass_csp: the test tooling itself (axe-core injected as an inline script, string
    # predicates in wait_for_function) would break the Content-Security-Policy; the pages are
    # checked under the real policy by test_no_page_breaks_the_content_security_policy.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    settle_navigations(page)
    from playwright.sync_api import Locator

    for name in ("click", "press"):
        monkeypatch.setattr(Locator, name, _settling_locator(getattr(Locator, name), name))
    yield page
    context.close()


BROWSER_TIMEOUT_MS = 10_000
# A page an action loads may render letters (WeasyPrint takes seconds on a loaded machine): its
# wait has a longer budget than a single expectation, and still fails at the action.
SETTLE_TIMEOUT_MS = 30_000
# Each document records, as it happens, whether an action is taking it away: a form submitted
# and not cancelled (the navigation itself starts a task later, so the submit event is the
# first sure sign), or the Navigation API's navigate event for anything else (a link, a
# script) that leaves the document. Same-document changes (a fragment, HTMX's pushState) and
# downloads are not leaving.
_NAVIGATION_WATCH = """
(() => {
  if (window.__putrightNavigation) return;
  const state = {leaving: false, submit: null, stamped: false};
  Object.defineProperty(window, "__putrightNavigation", {value: state});
  window.addEventListener("submit", (event) => { state.submit = event; });
  if (window.navigation) {
    window.navigation.addEventListener("navigate", (event) => {
      if (!event.destination.sameDocument && !event.hashChange && event.downloadRequest === null) {
        state.leaving = true;
      }
    });
  }
})();
"""
# Before the action: this document, with nothing seen yet.
_NAVIGATION_STAMP = """
() => {
  const state = window.__putrightNavigation;
  if (!state) return "new";
  Object.assign(state, {stamped: true, leaving: false, submit: null});
  return "stamped";
}
"""
# After the action has been dispatched: "new" if a new document answers (the action's
# navigation has committed), "leaving" if this one is going, "staying" otherwise. Read once.
_NAVIGATION_STATE = """
() => {
  const state = window.__putrightNavigation;
  if (!state || !state.stamped) return "new";
  const submit = state.submit;
  let leaving = state.leaving;
  state.leaving = false;
  state.submit = null;
  if (submit && !submit.defaultPrevented) {
    const target = (submit.submitter && submit.submitter.getAttribute("formtarget"))
      || submit.target.getAttribute("target") || "";
    if (target === "" || target === "_self") leaving = true;
  }
  return leaving ? "leaving" : "staying";
}
"""


def _settling_locator(action: Any, name: str) -> Any:
    """A locator's click or press, settled as the page's are (`settle_navigations`)."""

    def act(locator: Any, *args: Any, **kwargs: Any) -> Any:
        settling = getattr(locator.page, "_settling", None)
        if settling is None:
            return action(locator, *args, **kwargs)
        return settling(lambda *a, **k: action(locator, *a, **k), f"locator.{name}")(
            *args, **kwargs
        )

    return act


def settle_navigations(page: Any) -> None:
    """Make `page.click`, `page.press`, `page.keyboard.press` and a locator's `click`/`press`
    return only once a page they load has loaded, and fail there if it never does.

    Playwright returns from a click as soon as it is dispatched, so the next line could read or
    fill the page being left (a form re-shown with errors has the same fields) while the next
    one loads. Whether the action is taking the page away is asked of the page itself, which
    saw it happen (`_NAVIGATION_WATCH`): the browser's own navigation request can be reported
    after a round trip through the page, so counting requests missed some. A navigation that
    started is then waited for until its page has loaded (or it ended as a download, a failure
    or an empty answer); one that has not within the timeout fails the action that started it."""
    from playwright.sync_api import Error, TimeoutError

    seen = {"committed": 0, "ended": 0}

    def on_frame_navigated(frame: Any) -> None:
        if frame == page.main_frame:
            seen["committed"] += 1

    def on_ended(*_: Any) -> None:
        seen["ended"] += 1

    def on_request_failed(request: Any) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            on_ended()

    def on_response(response: Any) -> None:
        request = response.request
        if (
            response.status in (204, 205)
            and request.is_navigation_request()
            and request.frame == page.main_frame
        ):
            on_ended()  # nothing to show: the browser stays on the page

    page.context.add_init_script(_NAVIGATION_WATCH)
    page.on("framenavigated", on_frame_navigated)
    page.on("download", on_ended)
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)

    def ask(script: str) -> str:
        try:
            return page.evaluate(script)
        except Error:
            return "new"  # the document was replaced while answering

    def wait_for_page(what: str, committed: int, ended: int) -> None:
        deadline = time.monotonic() + SETTLE_TIMEOUT_MS / 1000
        while seen["committed"] == committed and seen["ended"] == ended:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} started a navigation that never ended")
            page.wait_for_timeout(10)
        if seen["committed"] > committed:
            left = max(1.0, (deadline - time.monotonic()) * 1000)
            try:
                page.wait_for_load_state("load", timeout=left)
            except TimeoutError as error:
                raise TimeoutError(f"{what} loaded a page that never finished loading") from error

    def settling(action: Any, name: str) -> Any:
        def act(*args: Any, **kwargs: Any) -> Any:
            committed, ended = seen["committed"], seen["ended"]
            stamped = ask(_NAVIGATION_STAMP) == "stamped"
            result = action(*args, **kwargs)
            state = ask(_NAVIGATION_STATE)
            if state == "leaving" or (state == "new" and stamped):
                wait_for_page(f"{name}{args!r}", committed, ended)
            elif state == "new":  # the page was between documents before the action
                page.wait_for_load_state("load")
            return result

        return act

    page.click = settling(page.click, "page.click")
    page.press = settling(page.press, "page.press")
    page.keyboard.press = settling(page.keyboard.press, "page.keyboard.press")
    page._settling = settling
