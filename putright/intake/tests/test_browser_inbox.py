"""The intake inbox in a real browser: a handler finds a message, sees why it was flagged and
decides it is a complaint; axe-core on the inbox, a message, its error state and the note form."""

import pytest

from putright.accounts import factories as staff
from putright.complaints.models import Complaint
from putright.intake.services import items
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handler_decides_a_flagged_message_is_a_complaint(page):
    staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    rosa = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    items.item_receive(
        channel="email",
        received_at=None,
        subject="Heating <b>again</b>",
        body="This is the third time I've chased the heating. It is not good enough.",
        sender_name="Rosa Bell",
        sender_email="rosa.bell@example.org",
        stated_adjustments=["large_print"],
    )
    items.item_receive(
        channel="email", received_at=None, body="You have won a prize, click here", subject="WIN"
    )

    sign_in(page, "hannah")
    page.goto("/intake/")
    page.click("a:has-text('Intake inbox')")
    page.wait_for_selector("h1:has-text('Intake inbox')")
    assert page.locator("mark", has_text="not good enough").count() == 1
    assert page.locator("b", has_text="again").count() == 0  # escaped, not rendered
    assert_accessible(page)
    screenshot(page, "intake-inbox")

    page.click("a:has-text('MSG-')  >> nth=0")
    page.wait_for_selector("h1:has-text('Message MSG-')")
    assert_accessible(page)
    page.check("input[name=decision][value=added_to_case]")
    page.click("button:has-text('Record decision')")
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter the reference of the complaint to add it to" in page.inner_text("main")
    assert_accessible(page)

    page.check("input[name=decision][value=complaint]")
    page.check("input[name=confirm_match]")
    page.click("button:has-text('Record decision')")
    page.wait_for_url("**/complaints/CMP-*/")
    complaint = Complaint.objects.get()
    assert complaint.resident == rosa
    assert not rosa.adjustments.exists()  # stated, not confirmed

    page.goto("/intake/inbox/new/")
    page.click("button:has-text('Put in the intake inbox')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
