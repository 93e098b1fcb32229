"""The pages issue 18 adds or changes, in a real browser: axe-core finds no WCAG 2.2 A/AA
violation, with and without errors showing."""

import pytest
from playwright.sync_api import expect

from putright.accounts import factories as staff
from putright.complaints.compensation import seed_default_schedule
from putright.complaints.tests.stories import acknowledged, received
from putright.people.factories import ResidentFactory
from putright.people.models import Adjustment
from putright.web.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    seed_default_schedule()  # a transactional test starts from an empty database
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    staff.handler(username="hamid", first_name="Hamid", last_name="Shah")
    rosa = ResidentFactory(full_name="Rosa Bell")
    Adjustment.objects.create(
        resident=rosa, kind="preferred_channel", detail="Sister reads everything to her"
    )
    fresh = received(resident=rosa, actor=olivia)
    opened = acknowledged(received(resident=ResidentFactory(), actor=olivia), actor=olivia)
    return rosa, fresh, opened


def test_the_policy_detail_pages_have_no_wcag_violations(page, setting):
    rosa, fresh, opened = setting
    sign_in(page, "olivia")
    for path in [
        "/compensation-schedule/",
        "/compensation-schedule/?line=distress",
        f"/people/{rosa.pk}/",
        "/people/reviews/",
        f"/complaints/{fresh.reference}/exclude/",
        f"/complaints/{fresh.reference}/assign/",
        f"/complaints/{opened.reference}/respond/",
    ]:
        page.goto(path)
        assert_accessible(page)
    assert page.locator("#id_remedy_0_band option", has_text="proposed £15.00").count() == 1

    # With the error summary showing.
    page.goto("/compensation-schedule/")
    page.fill("#id_label", "Lost wages")
    page.fill("#id_unit", "day")
    page.fill("#id_low", "50")
    page.fill("#id_proposed", "10")
    page.get_by_role("button", name="Save from today").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
