"""The `page` fixture's settling (conftest.py `settle_navigations`): an action that submits a
form returns once the page it loads has loaded, and fails there, naming itself, if that page
never comes or never finishes loading; an action whose submit is cancelled (as HTMX cancels
its own) returns at once."""

import time

import pytest
from playwright.sync_api import TimeoutError, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = """<!doctype html><html lang="en"><title>Start</title>
<form method="post" action="/held/"><button id="go">Go</button></form>
<form method="post" action="/unfinished/"><button>Unfinished</button></form>
<form method="post" action="/answered/"><button>Answered</button></form>
<form method="post" action="/held/" id="cancelled"><button>Stay</button></form>
<script>
document.getElementById("cancelled").addEventListener("submit", (e) => e.preventDefault());
</script></html>"""


def html(body: str):
    return lambda route: route.fulfill(content_type="text/html", body=body)


def release(held: list) -> None:
    """Answer what was held at last (not found), so nothing is left waiting."""
    while held:
        held.pop().fulfill(status=404, content_type="text/html", body="<title>Late</title>")


def test_an_action_whose_page_never_comes_or_never_loads_fails_where_it_was_taken(page):
    held = []
    page.route("**/start/", html(START))
    page.route("**/held/", lambda route: held.append(route))  # never answered
    page.route("**/held.png", lambda route: held.append(route))
    page.route("**/unfinished/", html('<title>Unfinished</title><img src="/held.png" alt="">'))
    page.route("**/answered/", html("<title>Answered</title>"))
    try:
        page.goto("/start/")

        started = time.monotonic()
        page.click("text=Stay")
        assert time.monotonic() - started < 5  # nothing to wait for
        assert page.title() == "Start"

        page.focus("#go")  # a key press: Playwright itself waits for nothing after it
        with pytest.raises(TimeoutError, match=r"press.*started a navigation that never ended"):
            page.keyboard.press("Enter")
        release(held)
        expect(page).to_have_title("Late")  # the held answer came at last

        page.goto("/start/")
        with pytest.raises(TimeoutError, match=r"click.*loaded a page that never finished loading"):
            page.click("text=Unfinished")
        release(held)

        page.goto("/start/")
        page.click("text=Answered")
        assert page.title() == "Answered"
    finally:
        release(held)  # a page closed with a request still held never closes
