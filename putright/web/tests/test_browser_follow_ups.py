"""Following a promise through in a real browser: an overdue action on a closed complaint is
found on the tracker and completed with evidence; axe-core on each page."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.complaints import services
from putright.complaints.models import Attachment, OutstandingAction
from putright.complaints.tests.stories import acknowledged, received, responded, roof_repair
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, fill_date, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_action_is_completed_with_evidence_from_the_tracker(page, tmp_path):
    hannah = staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    on = today()
    complaint = received(resident=ResidentFactory(), actor=hannah, on=on - timedelta(days=30))
    complaint = acknowledged(complaint, actor=hannah, on=on - timedelta(days=29), handler=hannah)
    complaint = responded(
        complaint,
        actor=hannah,
        on=on - timedelta(days=21),
        actions=[roof_repair(owner=hannah, due_on=on - timedelta(days=14))],
    )
    services.complaint_close(complaint=complaint, reason="Answered.", actor=hannah)
    photo = tmp_path / "roof.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)

    sign_in(page, "hannah")
    page.click("a.govuk-service-navigation__link:has-text('Follow-ups')")
    page.click("a:has-text('My follow-ups')")
    row = page.locator("#follow-ups tr", has_text="Replace the cracked roof tiles")
    assert "Overdue by" in row.inner_text()
    assert_accessible(page)
    row.locator("a:has-text('Mark as done')").click()
    page.wait_for_selector("h1:has-text('Complete an outstanding action')")
    assert_accessible(page)
    fill_date(page, "#id_completed_on", (on - timedelta(days=1)))
    page.fill("#id_note", "Tiles replaced; photo from the roofer attached.")
    page.set_input_files("#id_files", str(photo))
    page.click("button:has-text('Mark as complete')")
    page.locator(".govuk-notification-banner--success").wait_for()
    assert_accessible(page)

    page.goto("/follow-ups/?tab=mine&state=done")
    done = page.locator("#follow-ups tr", has_text="Replace the cracked roof tiles").inner_text()
    assert "Done late" in done
    assert "Tiles replaced; photo from the roofer attached." in done
    screenshot(page, "follow-ups-done")
    action = OutstandingAction.objects.get()
    assert action.completed_on == on - timedelta(days=1)
    assert Attachment.objects.filter(complaint=complaint, original_name="roof.png").exists()


def test_an_update_due_is_found_on_the_queue_and_sent_from_the_case(page):
    """Code 5.9 in the browser: the queue's tab, the case page's panel and the update form,
    each accessible."""
    from putright.complaints.calendar import landlord_calendar
    from putright.rules.calendar import add_working_days

    hannah = staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    on = today()
    complaint = received(resident=ResidentFactory(), actor=hannah, on=on - timedelta(days=20))
    complaint = acknowledged(complaint, actor=hannah, on=on - timedelta(days=19), handler=hannah)
    later = add_working_days(complaint.next_due, 10, calendar=landlord_calendar())
    # Agreed and told ten days ago, updates every 5 working days: one is overdue today.
    services.stage_extend(
        stage=complaint.stages.get(number=1),
        new_due=later,
        reason="Waiting for the roofer's survey.",
        resident_informed_on=on - timedelta(days=10),
        update_interval_days=5,
        actor=hannah,
        extended_on=on - timedelta(days=10),
    )

    sign_in(page, "hannah")
    page.goto("/?scope=all&attention=update_due")
    row = page.locator("#queue-results tr", has_text=complaint.reference)
    assert "Update overdue" in row.inner_text()
    assert_accessible(page)
    row.locator(f"a:has-text('{complaint.reference}')").click()
    page.locator("#update-due a:has-text('Send an update')").click()
    page.wait_for_selector("h1:has-text('Send the resident an update')")
    assert_accessible(page)
    page.click("button:has-text('Send the update')")  # nothing said: one clear error
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.fill("#id_progress", "The roofer has inspected the roof and ordered the tiles.")
    page.click("button:has-text('Send the update')")
    page.locator(".govuk-notification-banner--success").wait_for()
    assert complaint.events.filter(code="stage.update_sent").count() == 1
