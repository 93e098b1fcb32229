"""Search everything, the resident finder and merging residents in a real browser: axe-core
finds no WCAG 2.2 A/AA violation on any new page or state; screenshots for the closing note."""

import pytest

from putright.accounts import factories as staff
from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.people import services
from putright.people.factories import PropertyFactory
from putright.web.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rosas():
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    home = PropertyFactory(address_line_1="12 Mill Lane", town="Exampleton", postcode="EX1 2AB")
    rosa = services.resident_add(
        full_name="Rosa Bell", email="rosa@example.org", home=home, actor=olivia
    )
    twin = services.resident_add(full_name="Rosa Bell", home=home, actor=olivia)
    leak = received(resident=rosa, actor=olivia, description="A leak in the roof.")
    received(resident=twin, actor=olivia, description="Mould in the bathroom.")
    Complaint.objects.filter(pk=leak.pk).update(status="closed")
    return rosa, twin


def test_search_finder_and_merge_pages_have_no_wcag_violations(page, rosas):
    rosa, twin = rosas
    sign_in(page, "olivia")
    # The header search, from any page, lands on the results.
    page.fill("#header-search", "rosa bell")
    page.click(".putright-header__search button")
    page.wait_for_selector("h2:has-text('2 complaints match')")
    assert_accessible(page)
    screenshot(page, "search-results")
    for path, name in (
        ("/?q=nobody", "search-no-results"),
        ("/complaints/new/?find=EX1+2AB", "finder-results"),
        ("/complaints/new/?find=zebedee", "finder-not-found"),
        (f"/people/{rosa.pk}/", "resident-complaints"),
        (f"/people/{rosa.pk}/merge/", "merge-possible-duplicates"),
    ):
        page.goto(path)
        assert_accessible(page)
        screenshot(page, name)
    # One round of errors, then the merge, shown on both records.
    page.click("button:has-text('Merge into')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    screenshot(page, "merge-errors")
    page.check(f"input[name=duplicate][value='{twin.pk}']")
    page.fill("#id_reason", "Same person: the tenancy team confirmed it.")
    page.click("button:has-text('Merge into')")
    page.wait_for_selector("text=is merged into this record")
    assert_accessible(page)
    screenshot(page, "resident-after-merge")
    page.goto(f"/people/{twin.pk}/")
    assert_accessible(page)
    # Someone new: the duplicate warning before a record is made.
    page.goto("/complaints/new/")
    page.fill("#id_new_resident_name", "Rosa Bell")
    page.fill("#id_new_address_line_1", "12 Mill Lane")
    page.fill("#id_new_town", "Exampleton")
    page.fill("#id_new_postcode", "EX1 2AB")
    page.check("input[name=new_tenure][value=lcra]")
    page.select_option("#id_channel", "phone")
    page.fill("#id_description", "The lift is broken.")
    page.click("button:has-text('Log the complaint')")
    page.wait_for_selector("text=may already be this person")
    assert_accessible(page)
    screenshot(page, "log-possible-duplicates")
