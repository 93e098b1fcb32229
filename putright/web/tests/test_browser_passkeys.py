"""Passkeys in a real browser: Chromium's virtual authenticator (over the DevTools protocol)
plays the phone or security key. A member of staff adds a passkey as their second step, then
signs in with password + passkey, under the real Content-Security-Policy; axe on both pages."""

from typing import Any

import pytest

from putright.accounts.factories import TEST_PASSWORD
from putright.accounts.models import Passkey
from putright.core.models import SecurityEvent
from putright.web.tests.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.real_two_step]


def virtual_authenticator(page: Any) -> Any:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def password(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button:has-text('Sign in')")


def test_add_a_passkey_then_sign_in_with_it_under_the_real_csp(
    browser, live_server, settings, officer
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="en-GB")  # no CSP bypass
    page = context.new_page()
    page.set_default_timeout(10_000)
    reported: list[str] = []
    page.on(
        "console",
        lambda msg: reported.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    try:
        virtual_authenticator(page)
        password(page, "olivia")
        page.wait_for_selector("h1:has-text('Set up two-step verification')")
        page.click("a:has-text('Use a passkey instead')")
        page.fill("#id_name", "Virtual key")
        page.click("button:has-text('Add passkey')")
        page.wait_for_selector("h1:has-text('Two-step verification is on')")
        assert Passkey.objects.filter(user=officer, name="Virtual key").exists()

        context.clear_cookies()
        password(page, "olivia")
        page.wait_for_selector("h1:has-text('Confirm it is you')")
        page.click("button:has-text('Use your passkey')")
        page.wait_for_selector("h1:has-text('Work queue')")
    finally:
        context.close()
    key = Passkey.objects.get(user=officer)
    assert key.last_used_at is not None
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.MFA_VERIFIED, user=officer, data__with="passkey"
    ).exists()
    assert reported == []


def test_the_passkey_pages_have_no_wcag_violations(page, officer):
    virtual_authenticator(page)
    password(page, "olivia")
    page.goto("/accounts/two-step/passkeys/add/")
    assert_accessible(page)
    page.click("button:has-text('Add passkey')")  # no name: the error summary
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#id_name", "Virtual key")
    page.click("button:has-text('Add passkey')")
    page.wait_for_selector("h1:has-text('Two-step verification is on')")
    page.goto("/accounts/two-step/")
    assert_accessible(page)
    page.context.clear_cookies()
    password(page, "olivia")
    page.wait_for_selector("h1:has-text('Confirm it is you')")
    assert_accessible(page)
    screenshot(page, "passkey-verify")
