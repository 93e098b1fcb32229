"""Every staff page in a real browser: axe-core finds no WCAG 2.2 A/AA violation; keyboard
alone is enough; 200% zoom stays readable."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from putright.accounts import factories as staff
from putright.complaints import services
from putright.complaints.tests.stories import (
    acknowledged,
    compensation,
    received,
    responded,
    response_input,
    roof_repair,
    stage_of,
)
from putright.people.factories import ResidentFactory
from putright.people.models import Adjustment, Vulnerability
from putright.web.tests.browser import (
    assert_accessible,
    axe_violations,
    fill_date,
    screenshot,
    sign_in,
    two_step_code_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cases():
    """Olivia's case load: one new complaint, one answered with remedies and actions."""
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    staff.handler(username="hamid", first_name="Hamid", last_name="Shah")
    staff.mrc(username="vera", first_name="Vera", last_name="Mills")
    rosa = ResidentFactory(full_name="Rosa Bell")
    Adjustment.objects.create(resident=rosa, kind="large_print", detail="16 point")
    Vulnerability.objects.create(resident=rosa, description="Hearing loss", is_disability=True)
    fresh = received(resident=rosa, actor=olivia)
    answered = responded(
        acknowledged(received(resident=ResidentFactory(), actor=olivia), actor=olivia),
        actor=olivia,
        remedies=[compensation()],
        actions=[roof_repair()],
    )
    services.note_add(complaint=answered, text="Rang the resident.", actor=olivia)
    services.ombudsman_referral_record(
        complaint=answered, referred_on=answered.received_on, actor=olivia
    )
    return fresh, answered


def test_the_axe_check_itself_catches_a_violation(page):
    page.set_content("<html lang='en'><title>t</title><body><img src='x.png'></body></html>")
    assert any(v["id"] == "image-alt" for v in axe_violations(page))


def test_every_staff_page_has_no_wcag_violations(page, cases):
    fresh, answered = cases
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in(page, "olivia")
    paths = [
        "/",
        "/?scope=all",
        "/?scope=all&vulnerable=on&stage=1",
        "/?scope=unassigned",
        "/dashboard/",
        "/complaints/new/",
        "/complaints/new/?find=Rosa",
        f"/complaints/{fresh.reference}/",
        f"/complaints/{fresh.reference}/?show=notes",
        f"/complaints/{answered.reference}/",
        # A resident's record: its forms' and inline forms' dates are GOV.UK date inputs.
        f"/people/{fresh.resident_id}/",
    ]
    paths += [
        f"/complaints/{fresh.reference}/{slug}/"
        for slug in ("acknowledge", "exclude", "withdraw", "note", "correspondence", "attachment")
    ]
    paths += [
        f"/complaints/{answered.reference}/{slug}/"
        for slug in (
            "escalate",
            "close",
            "assign",
            "add-points",
            "ombudsman",
            "ombudsman-outcome",
            "complete-remedy",
            "complete-action",
        )
    ]
    paths += ["/accounts/two-step/", "/accounts/two-step/set-up/", "/accounts/api-tokens/"]
    for path in paths:
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "complete-action")
    page.goto("/?scope=all")
    screenshot(page, "work-queue")
    page.goto("/dashboard/")
    screenshot(page, "dashboard")
    page.goto(f"/complaints/{fresh.reference}/")
    screenshot(page, "case-page-needs")


def test_forms_with_errors_and_confirmations_have_no_wcag_violations(page, cases):
    fresh, answered = cases
    sign_in(page, "olivia")
    page.goto("/complaints/new/")
    page.click("button:has-text('Log the complaint')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    screenshot(page, "log-with-errors")
    page.goto(f"/complaints/{answered.reference}/close/")
    page.fill("#id_reason", "Resident satisfied.")
    page.click("button:has-text('Close the complaint')")
    page.wait_for_selector("h1:has-text('Are you sure?')")
    assert_accessible(page)
    page.goto(f"/complaints/{fresh.reference}/acknowledge/")
    page.click("button:has-text('Acknowledge')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    acknowledged(fresh, actor=answered.logged_by)
    page.goto(f"/complaints/{fresh.reference}/respond/")
    assert_accessible(page)
    page.click("button:has-text('Send for review')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.goto(f"/complaints/{fresh.reference}/extend/")
    fill_date(page, "#id_new_due", date(2099, 1, 1))
    page.wait_for_selector("#extension-preview :text('Beyond the cap')")
    assert_accessible(page)


def test_the_timeline_filter_updates_in_place(page, cases):
    _, answered = cases
    sign_in(page, "olivia")
    page.goto(f"/complaints/{answered.reference}/")
    assert "Complaint received by" in page.inner_text("#timeline")
    page.select_option("#show", "notes")
    page.click("button:has-text('Show')")
    page.wait_for_function(
        "!document.querySelector('#timeline').innerText.includes('Complaint received by')"
    )
    assert "Rang the resident." in page.inner_text("#timeline")
    assert_accessible(page)


def test_a_viewer_reads_without_any_way_to_change(page, cases):
    fresh, _ = cases
    sign_in(page, "vera")
    page.goto(f"/complaints/{fresh.reference}/")
    assert page.locator("text=What you can do").count() == 0
    assert page.locator("a:has-text('Log a complaint')").count() == 0
    assert_accessible(page)


def tab_until(page, script: str, limit: int = 80) -> None:
    """Press Tab until `script` (run on document.activeElement as `el`) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()"):
            return
    raise AssertionError(f"Tab never reached {script}")


def test_keyboard_alone_signs_in_and_adds_a_note(page, cases):
    from putright.accounts.factories import TEST_PASSWORD

    fresh, _ = cases
    code = two_step_code_for("olivia")
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    tab_until(page, "el.id === 'id_username'")
    page.keyboard.type("olivia")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Enter your code')")
    tab_until(page, "el.id === 'id_code'")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Work queue')")
    page.goto(f"/complaints/{fresh.reference}/")
    tab_until(page, "el.textContent.trim() === 'Add a note'")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Add a note')")
    tab_until(page, "el.id === 'id_text'")
    page.keyboard.type("Spoke to Rosa by phone.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Add the note"
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Spoke to Rosa by phone." in page.inner_text("#timeline")


def test_the_case_page_reads_at_200_percent_zoom_without_sideways_scrolling(
    browser, live_server, settings, cases
):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    fresh, _ = cases
    # 200% zoom of a 1280px window: half the CSS pixels across, each drawn twice as big.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 640, "height": 800},
        device_scale_factor=2,
        locale="en-GB",
    )
    page = context.new_page()
    sign_in(page, "olivia")
    page.goto(f"/complaints/{fresh.reference}/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "case-page-200-percent", full_page=False)
    page.goto("/?scope=all")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "work-queue-200-percent", full_page=False)
    context.close()


def test_the_two_step_and_security_pages_have_no_wcag_violations(page, db):
    from putright.accounts import factories

    factories.administrator(username="sysadmin")
    page.goto("/accounts/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", "wrong-password")
    page.click("button:has-text('Sign in')")
    sign_in(page, "sysadmin")
    for path in ("/accounts/security-log/", "/accounts/two-step/verify/"):
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "security-log")


def test_no_page_breaks_the_content_security_policy(browser, live_server, settings, cases):
    """Under the real policy (no bypass): no CSP violation in the console on the main pages,
    and the inline scripts that carry the nonce still run (GOV.UK Frontend initialises)."""
    fresh, answered = cases
    hamid = get_user_model().objects.get(username="hamid")
    drafted = acknowledged(received(resident=ResidentFactory(), actor=hamid), actor=hamid)
    # A response in review: its letter preview is a srcdoc frame under the page's policy.
    draft = services.response_draft_submit(
        stage=stage_of(drafted), data=response_input(drafted), actor=hamid
    )
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    reported: list[str] = []
    page.on(
        "console",
        lambda msg: (
            reported.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        page.goto("/complain/")
        sign_in(page, "olivia")
        for path in [
            "/",
            "/dashboard/",
            f"/complaints/{answered.reference}/",
            f"/complaints/{fresh.reference}/",
            "/people/",
            "/reports/",
            "/letters/outbox/",
            "/imports/",
            "/api/docs/",
            "/api/redoc/",
            f"/letters/reviews/{draft.pk}/",
        ]:
            page.goto(path)
            page.wait_for_load_state("networkidle")
        # The letter's own stylesheet applied inside the preview (it carries the nonce).
        page.goto(f"/letters/reviews/{draft.pk}/")
        letter = next(f for f in page.frames if f != page.main_frame)
        assert "Liberation Sans" in letter.evaluate("getComputedStyle(document.body).fontFamily")
        page.goto(f"/complaints/{answered.reference}/")
        page.select_option("#show", "notes")
        page.click("button:has-text('Show')")
        page.wait_for_timeout(500)
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        assert page.evaluate("typeof window.htmx") == "object"
    finally:
        context.close()
    assert reported == []
