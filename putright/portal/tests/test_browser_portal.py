"""The resident portal in a real browser, checked with axe-core on every page."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from putright.complaints import services as complaint_services
from putright.complaints.factories import CategoryFactory
from putright.complaints.tests.stories import acknowledged, received, responded
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, assert_title_starts, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def answered(handler):
    """Rosa's complaint, answered at stage 1, with the response letter sent."""
    rosa = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    complaint = received(resident=rosa, actor=handler, category=CategoryFactory())
    complaint = responded(acknowledged(complaint, actor=handler), actor=handler)
    complaint_services.correspondence_add(
        complaint=complaint,
        direction="out",
        channel="letter",
        counterpart="Rosa Bell",
        subject="Our stage 1 response",
        body="We are sorry: the leak should have been repaired in January.",
        files=[SimpleUploadedFile("stage-1-response.pdf", b"%PDF-1.4 response")],
        actor=handler,
    )
    return complaint


def test_a_resident_signs_in_reads_their_letter_adds_information_and_asks_for_stage_two(
    page, answered
):
    page.goto("/portal/")
    page.click("button:has-text('Email me a sign-in link')")
    assert_title_starts(page, "Error:")
    assert_accessible(page)

    page.fill("#email", "rosa.bell@example.org")
    page.click("button:has-text('Email me a sign-in link')")
    page.wait_for_selector("h1:has-text('Check your email')")
    assert_accessible(page)
    link = re.search(r"http://[^/\s]+(/portal/sign-in/[^/\s]+/)", mail.outbox[-1].body).group(1)

    page.goto(link)
    assert_accessible(page)
    page.click("button:has-text('Continue to your complaints')")
    page.wait_for_selector("h1:has-text('Your complaints')")
    assert_accessible(page)
    screenshot(page, "portal-complaints")

    page.click(f"text={answered.reference}")
    page.wait_for_selector("text=Our stage 1 response")
    assert_accessible(page)
    screenshot(page, "portal-complaint")

    page.click("button:has-text('Add to my complaint')")  # nothing entered
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#information", "The ceiling is still wet.")
    page.click("button:has-text('Add to my complaint')")
    page.wait_for_selector("text=we have added your information")
    assert_accessible(page)

    page.click("text=Ask for stage 2")
    assert_accessible(page)
    page.click("button:has-text('Ask for stage 2')")
    page.wait_for_selector("h1:has-text('Stage 2 requested')")
    assert_accessible(page)
    screenshot(page, "portal-escalated")
    answered.refresh_from_db()
    assert answered.current_stage == 2


def test_a_used_link_explains_itself_accessibly(page, answered):
    page.goto("/portal/sign-in/not-a-real-token/")
    page.click("button:has-text('Continue to your complaints')")
    page.wait_for_selector("h1:has-text('There is a problem with your sign-in link')")
    assert_accessible(page)
