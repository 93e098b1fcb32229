"""A handler's case work in a real browser: the case page offers the next step, the response
is drafted with as many remedy rows as needed (by keyboard), saved, previewed; axe on each."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.complaints import services
from putright.complaints.models import ResponseDraft
from putright.complaints.tests.stories import acknowledged, received
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import (
    SCREENSHOTS,
    assert_accessible,
    fill_date,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handler_drafts_a_response_with_rows_added_by_keyboard(page):
    hannah = staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    resident = ResidentFactory(full_name="Rosa Bell")
    on = today()
    complaint = received(resident=resident, actor=hannah, on=on - timedelta(days=3))
    complaint = acknowledged(complaint, actor=hannah, on=on - timedelta(days=2), handler=hannah)
    sign_in(page, "hannah")
    page.goto(f"/complaints/{complaint.reference}/")
    primary = page.locator("[data-primary-action]")
    assert primary.inner_text() == "Draft the response"
    # The acknowledgement letter went out: a row with its PDF, its text not inlined.
    letters = page.locator("[data-letters]").inner_text()
    assert "We have received your complaint" in letters
    assert letters.count("Download PDF") == 1
    assert_accessible(page)
    screenshot(page, "casework-case-page")

    primary.click()
    page.wait_for_selector("h1:has-text('Draft the response')")
    assert_accessible(page)
    page.fill("#id_summary", "We are sorry: the leak should have been fixed in January.")
    for n in (1, 2):
        page.check(f"#id_outcome_{n}")
        page.fill(f"#id_reasons_{n}", f"Reason {n}.")
    page.select_option("#id_remedy_0_type", "apology")
    page.fill("#id_remedy_0_description", "A written apology from the repairs manager.")
    fill_date(page, "#id_remedy_0_due_on", (on + timedelta(days=7)))

    # Keyboard only: focus "Add another remedy", press Enter; the new row takes the focus.
    for n in (1, 2, 3, 4):
        page.focus("button:has-text('Add another remedy')")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#id_remedy_{n}_type")
        page.wait_for_function(f"document.activeElement.id === 'id_remedy_{n}_type'")
        page.keyboard.press("Tab")  # on to "what will happen"
        page.keyboard.type(f"Remedy number {n + 1}.")
        fill_date(page, f"#id_remedy_{n}_due_on", (on + timedelta(days=10)))
        page.select_option(f"#id_remedy_{n}_type", "explanation")
    assert page.locator("fieldset[data-row='remedy']").count() == 5
    assert_accessible(page)
    page.focus("button:has-text('Remove remedy 3')")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelectorAll(\"fieldset[data-row='remedy']\").length === 4"
    )
    assert page.input_value("#id_remedy_2_description") == "Remedy number 4."
    page.fill("#id_no_remedy_reason", "")
    page.fill("#id_action_0_description", "Replace the cracked roof tiles.")
    fill_date(page, "#id_action_0_due_on", (on + timedelta(days=21)))
    page.fill("#id_action_0_owner_name", "Roofing contractor")
    page.fill("#id_learning", "Book roofers within a week.")

    page.click("button:has-text('Preview the letter')")
    page.wait_for_selector("#preview")
    preview = page.frame_locator("iframe[data-preview]")
    assert "We will do this by" in preview.locator("body").inner_text()
    assert "Book roofers within a week." in preview.locator("body").inner_text()
    assert_accessible(page)
    screenshot(page, "casework-respond-preview")
    page.locator("iframe[data-preview]").screenshot(path=str(SCREENSHOTS / "casework-letter.png"))

    # By keyboard, as the rows above: a pointer click can land while the preview frame settles.
    page.focus("button:has-text('Save draft') >> visible=true")
    page.keyboard.press("Enter")
    page.locator(".govuk-notification-banner--success").wait_for()
    assert ResponseDraft.objects.get().status == "saved"
    page.click("[data-primary-action]")
    assert page.input_value("#id_remedy_3_description") == "Remedy number 5."
    page.click("button:has-text('Send for review')")
    page.locator(".govuk-notification-banner--success").wait_for()
    draft = ResponseDraft.objects.get()
    assert (draft.status, len(draft.data["remedies"])) == ("in_review", 4)


def test_a_withdrawn_complaint_page_offers_no_lifecycle_step(page):
    hannah = staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    complaint = received(resident=ResidentFactory(), actor=hannah)
    services.complaint_withdraw(complaint=complaint, reason="Sorted out.", actor=hannah)
    sign_in(page, "hannah")
    page.goto(f"/complaints/{complaint.reference}/")
    assert page.locator("[data-primary-action]").count() == 0
    assert "Stopped on" in page.locator("table.govuk-table").first.inner_text()
    assert_accessible(page)
    screenshot(page, "casework-withdrawn")
