"""Project-wide test set-up and named staff personas usable from every app's tests."""

import contextlib
import os
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
def page(browser, live_server, settings) -> Iterator[Any]:
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
    page.set_default_timeout(10_000)
    settle_navigations(page)
    yield page
    context.close()


def settle_navigations(page: Any) -> None:
    """Make `page.click` and `page.press` return only once a page they load has loaded.

    Playwright returns from a click as soon as it is dispatched, so the next line could read or
    fill the page being left (a form re-shown with errors has the same fields) while the next
    one loads. Each click now watches for a main-frame navigation it starts and waits for that
    page's load event (or for the navigation to end as a download or a failure)."""
    from playwright.sync_api import Error

    seen = {"navigations": 0, "settled": 0}

    def on_request(request: Any) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            seen["navigations"] += 1

    def on_settled(*_: Any) -> None:
        seen["settled"] += 1

    def on_request_failed(request: Any) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            on_settled()

    page.on("request", on_request)
    page.on("load", on_settled)
    page.on("download", on_settled)
    page.on("requestfailed", on_request_failed)

    def settling(action: Any) -> Any:
        def act(*args: Any, **kwargs: Any) -> Any:
            navigations, settled = seen["navigations"], seen["settled"]
            result = action(*args, **kwargs)
            # A round trip through the page, so a navigation the click started is seen (if the
            # page is replaced during it, it was navigating).
            with contextlib.suppress(Error):
                page.evaluate("() => new Promise(done => setTimeout(done, 0))")
            if seen["navigations"] > navigations:
                waited = 0
                while seen["settled"] <= settled and waited < 10_000:
                    page.wait_for_timeout(10)
                    waited += 10
            return result

        return act

    page.click = settling(page.click)
    page.press = settling(page.press)
