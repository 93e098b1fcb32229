"""The recognition prompt in a real browser: axe-core finds no WCAG 2.2 A/AA violation on the
service request and surveys pages showing "This looks like a complaint — log it?", nor on the
log page it links to, and following the link lands on the form prefilled (Code 1.4–1.6)."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.core.clock import today
from putright.intake.models import SurveyResponse
from putright.intake.services import service_requests as sr
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Tenant rang: third time I've chased the boiler, not good enough <script>x</script>"


def test_the_prompt_pages_are_accessible_and_the_link_prefills_the_log_page(page):
    hamid = staff.handler(username="hamid", first_name="Hamid", last_name="Shah")
    rosa = ResidentFactory(full_name="Rosa Bell")
    item = sr.service_request_create(
        resident=rosa,
        summary="Boiler not heating water",
        requested_on=today() - timedelta(days=7),
        due_on=today() + timedelta(days=3),
        owner=hamid,
        actor=hamid,
    )
    sr.service_request_update(
        request=item, status=item.status, due_on=item.due_on, note=NOTE, actor=hamid
    )
    SurveyResponse.objects.create(
        survey="Repairs",
        response_id="1",
        resident=rosa,
        responded_on=today(),
        score=4,
        comment="Nice man but I'm fed up of waiting in for nobody",
    )
    sign_in(page, "hamid")

    page.goto(f"/intake/service-requests/{item.pk}/")
    banner = page.locator("#looks-like-complaint")
    assert "This looks like a complaint — log it?" in banner.inner_text()
    assert page.locator("#looks-like-complaint mark").all_inner_texts() == [
        "third time I've chased",
        "not good enough",
    ]
    assert_accessible(page)

    page.click("text=Log it as a complaint on this request")
    assert page.locator("textarea[name=what_is_wrong]").input_value() == NOTE
    assert_accessible(page)

    page.goto("/intake/surveys/")
    assert page.locator("#looks-like-complaint mark").all_inner_texts() == ["fed up"]
    assert_accessible(page)

    page.click("#looks-like-complaint a:has-text('Log it as a complaint')")
    page.wait_for_selector("h1:has-text('Log a complaint')")
    assert page.locator("textarea[name=description]").input_value() == (
        "Nice man but I'm fed up of waiting in for nobody"
    )
    assert page.locator(f"input[name=resident][value='{rosa.pk}']").is_checked()
    assert_accessible(page)
