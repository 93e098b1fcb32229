"""The team view in a real browser: the dashboard's caseload, ageing and trend (charts and
tables) and the assign form's caseload have no WCAG 2.2 A/AA violation (axe-core)."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_team_view_and_assign_caseload_have_no_wcag_violations(page):
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    hamid = staff.handler(username="hamid", first_name="Hamid", last_name="Shah")
    for days in (0, 9, 30, 75):
        complaint = received(
            resident=ResidentFactory(), actor=olivia, description="A leak in the roof."
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            received_on=today() - timedelta(days=days), handler=hamid if days else None
        )
    sign_in(page, "olivia")
    page.goto("/dashboard/")
    page.wait_for_selector("#ageing-chart")
    assert page.locator("#trend-table tbody tr").count() == 12
    assert_accessible(page)
    screenshot(page, "dashboard-team-view")
    page.goto(f"/complaints/{complaint.reference}/assign/")
    page.wait_for_selector("#caseload")
    assert_accessible(page)
    screenshot(page, "assign-caseload")
