"""The public complaint form in a real browser, checked with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from putright.complaints.models import Complaint
from putright.intake.models import IntakeItem
from putright.web.tests.browser import assert_accessible, assert_title_starts, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_completes_the_form_with_a_keyboard_and_screen_reader_friendly_pages(
    page, tmp_path
):
    page.goto("/complain/")
    assert_accessible(page)
    screenshot(page, "complain-start")
    page.click("text=Start now")

    # Errors first: the summary links to the field, and the page title says "Error:".
    page.click("button:has-text('Continue')")
    assert_title_starts(page, "Error:")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "complain-about-you-error")

    page.fill("#id_full_name", "Amira Khan")
    page.check("#id_is_customer")  # the first option, "Yes"
    page.click("button:has-text('Continue')")
    # No email, phone or address: one error, on the email field, linked from the summary.
    assert_title_starts(page, "Error:")
    assert "so we can reply" in page.locator("#id_email-error").inner_text()
    assert_accessible(page)
    # A postal address is enough (issue 17): no email needed.
    page.fill("#id_address", "Flat 4, 10 Mill Lane, Exampleton EX1 2AB")
    assert_accessible(page)
    page.click("button:has-text('Continue')")

    page.check("label:has-text('No')")
    assert_accessible(page)
    page.click("button:has-text('Continue')")

    page.fill("#id_description", "The lift in our block has been broken for three weeks.")
    page.fill("#id_started_day", "9")
    page.fill("#id_started_month", "2")
    page.fill("#id_started_year", "2026")
    assert_accessible(page)
    page.click("button:has-text('Continue')")

    page.fill("#id_outcome_wanted", "Fix the lift.")
    assert_accessible(page)
    page.click("button:has-text('Continue')")

    page.check("label:has-text('Phone')")
    page.check("label:has-text('Large print')")
    assert_accessible(page)
    page.click("button:has-text('Continue')")

    assert page.locator("h1").inner_text() == "Check your answers before sending your complaint"
    answers = page.locator(".govuk-summary-list").inner_text()
    assert "Flat 4, 10 Mill Lane" in answers
    assert "Large print" in answers
    assert_accessible(page)
    screenshot(page, "complain-check")
    photo = tmp_path / "lift.pdf"
    photo.write_bytes(b"%PDF-1.4 lift notice")
    page.set_input_files("#files", str(photo))
    page.click("button:has-text('Send complaint')")

    page.wait_for_selector("h1:has-text('Message sent')")
    item = IntakeItem.objects.get()
    assert item.reference in page.locator(".govuk-panel").inner_text()
    assert item.attachments.get().original_name == "lift.pdf"
    assert item.sender_address == "Flat 4, 10 Mill Lane, Exampleton EX1 2AB"
    assert Complaint.objects.count() == 0  # a person decides
    assert_accessible(page)
    screenshot(page, "complain-confirmation")


def test_an_upload_error_is_accessible(page, tmp_path):
    page.goto("/complain/about-you/")
    page.fill("#id_full_name", "Amira Khan")
    page.fill("#id_email", "amira.khan@example.org")
    page.check("#id_is_customer")
    page.click("button:has-text('Continue')")
    page.check("label:has-text('No')")
    page.click("button:has-text('Continue')")
    page.fill("#id_description", "Broken lift")
    page.click("button:has-text('Continue')")
    page.fill("#id_outcome_wanted", "Fix it")
    page.click("button:has-text('Continue')")
    page.check("label:has-text('Email')")
    page.click("button:has-text('Continue')")
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ not really a pdf")
    page.set_input_files("#files", str(bad))
    page.click("button:has-text('Send complaint')")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "The file must be a PDF" in page.locator("#files-error").inner_text()
    assert_accessible(page)
    assert Complaint.objects.count() == 0
