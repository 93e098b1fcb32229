"""The main journey in a real browser: log → acknowledge → extend → respond (reviewed by a
colleague before it is sent) → escalate → reassign → final response (reviewed too), with
axe-core on every page on the way."""

import re

import pytest

from putright.accounts import factories as staff
from putright.complaints.calendar import landlord_calendar
from putright.complaints.models import Complaint
from putright.people.factories import ResidentFactory
from putright.rules.calendar import add_working_days
from putright.web.tests.browser import assert_accessible, fill_date, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect_success(page, text: str) -> None:
    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    assert text in banner.inner_text()


def open_action(page, title: str) -> None:
    page.click(f"a.govuk-button:has-text('{title}')")
    page.wait_for_selector("h1")
    assert_accessible(page)


def review_and_approve(page, reviewer: str, reference: str) -> None:
    """A colleague who did not draft the response approves it (policy 6.4)."""
    sign_in(page, reviewer)
    page.goto(f"/complaints/{reference}/")
    page.click("a:has-text('Review the response')")
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('Confirm')")
    expect_success(page, "Approved")
    page.goto(f"/complaints/{reference}/")


def test_a_complaint_goes_from_logging_to_final_response(page):
    staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    staff.handler(username="harry", first_name="Harry", last_name="Jones")
    ResidentFactory(full_name="Rosa Bell")

    sign_in(page, "olivia")
    assert_accessible(page)

    # Log: find Rosa, say how and when the complaint came in.
    page.click("a:has-text('Log a complaint')")
    page.fill("#find", "Rosa")
    page.click("form:has(#find) button:has-text('Search')")
    page.check("input[name=resident][value]:not([value=''])")
    page.select_option("#id_channel", "phone")
    page.fill("#id_description", "Water is coming through the kitchen ceiling.")
    assert_accessible(page)
    page.click("button:has-text('Log the complaint')")
    expect_success(page, "logged")
    reference = re.search(r"CMP-\d{4}-\d{6}", page.inner_text("h1 + *, .govuk-caption-l")).group(0)
    assert_accessible(page)

    # Acknowledge and define.
    open_action(page, "Acknowledge and define")
    page.fill("#id_points", "The leak has not been repaired.\nNobody called back.")
    page.fill("#id_outcomes_sought", "Fix the leak.")
    page.fill("#id_responsible_for", "The roof.")
    page.click("button:has-text('Acknowledge and start')")
    expect_success(page, "Stage 1 acknowledged")

    # Extend within the cap: the page shows the resulting date before saving.
    stage = Complaint.objects.get(reference=reference).stages.get(number=1)
    new_due = add_working_days(stage.response_due_original, 5, calendar=landlord_calendar())
    open_action(page, "Extend the response deadline")
    fill_date(page, "#id_new_due", new_due)
    page.wait_for_selector("#extension-preview :text('Within the cap')")
    assert "5 working days beyond the original date" in page.inner_text("#extension-preview")
    page.fill("#id_reason", "Waiting for the roofer's survey.")
    assert_accessible(page)
    page.click("button:has-text('Extend the deadline')")
    expect_success(page, f"{new_due:%-d %B %Y}")

    # Respond: a decision with reasons on each point, and a remedy.
    open_action(page, "Draft the response")
    page.fill("#id_summary", "We are sorry: the leak should have been fixed.")
    for n in (1, 2):
        page.check(f"#id_outcome_{n}")
        page.fill(f"#id_reasons_{n}", "We did not do what we said.")
    page.select_option("#id_remedy_0_type", "apology")
    page.fill("#id_remedy_0_description", "A written apology.")
    fill_date(page, "#id_remedy_0_due_on", new_due)
    page.click("button:has-text('Send for review')")
    expect_success(page, "waiting for review")
    review_and_approve(page, "harry", reference)
    sign_in(page, "olivia")
    page.goto(f"/complaints/{reference}/")

    # Escalate, with the confirmation step.
    open_action(page, "Escalate to stage 2")
    page.click("button:has-text('Escalate to stage 2')")
    page.wait_for_selector("h1:has-text('Are you sure?')")
    assert_accessible(page)
    page.click("button:has-text('Yes, escalate')")
    expect_success(page, "Escalated to stage 2")

    # Reassign: stage 2 refuses Olivia, who handled stage 1, with a clear message.
    open_action(page, "Assign the complaint")
    page.select_option("#id_handler", label="Olivia Okafor")
    page.check("input[name=conflict][value=none]")  # Code 5.8c: the declaration comes first
    page.click("button:has-text('Assign')")
    page.wait_for_selector(".govuk-error-summary")
    assert "must not be the person who handled stage 1" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    screenshot(page, "form-with-errors")
    page.select_option("#id_handler", label="Hannah Lee")
    page.check("input[name=conflict][value=none]")
    page.click("button:has-text('Assign')")
    expect_success(page, "Hannah Lee")

    # Stage 2: Hannah acknowledges and drafts the final response; Harry reviews it.
    sign_in(page, "hannah")
    page.goto(f"/complaints/{reference}/")
    open_action(page, "Acknowledge and define")
    page.fill("#id_outcomes_sought", "Fix the leak; compensation.")
    page.fill("#id_responsible_for", "The roof.")
    page.click("button:has-text('Acknowledge and start')")
    expect_success(page, "Stage 2 acknowledged")
    open_action(page, "Draft the response")
    page.fill("#id_summary", "Our final response.")
    for n in (1, 2):
        page.check(f"#id_outcome_{n}")
        page.fill(f"#id_reasons_{n}", "Reviewed afresh.")
    page.fill("#id_no_remedy_reason", "The stage 1 remedy put things right.")
    page.click("button:has-text('Send for review')")
    expect_success(page, "waiting for review")
    review_and_approve(page, "harry", reference)
    assert "final response sent" in page.inner_text(".govuk-tag >> nth=0")
    assert_accessible(page)
    screenshot(page, "case-page")

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == "stage2_responded"
    assert complaint.stages.get(number=2).handler.username == "hannah"
