"""The oversight pages this work added, in a real browser: axe-core finds no WCAG 2.2 A/AA
violation, with and without errors on the form."""

import pytest

from putright.accounts import factories as staff
from putright.complaints.services import exceptional
from putright.complaints.tests.stories import received
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.reporting import services
from putright.web.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_exceptional_circumstances_and_self_assessment_pages_are_accessible(page):
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    simon = staff.senior_lead(username="simon", first_name="Simon", last_name="Clarke")
    staff.board_member(username="gita", first_name="Gita", last_name="Rao")
    complaint = received(resident=ResidentFactory(full_name="Rosa Bell"), actor=olivia)
    period = exceptional.exceptional_declare(
        reason="A cyber incident took our housing management system offline.",
        starts_on=today(),
        expected_end_on=today(),
        all_complaints=True,
        actor=olivia,
    )
    exceptional.exceptional_approve(period=period, actor=simon)
    assessment = services.self_assessment_start(
        year=today().year - (today().month < 4), actor=olivia
    )
    sign_in(page, "olivia")
    for path in [
        "/reports/exceptional/",
        f"/reports/exceptional/{period.pk}/",
        f"/complaints/{complaint.reference}/",
        "/",
        f"/reports/self-assessment/{assessment.pk}/provision/1.3/",
        f"/reports/annual/{assessment.year}/notes/",
        f"/reports/annual/{assessment.year}/",
    ]:
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "annual-report")
    page.goto("/reports/exceptional/")
    page.click("button:has-text('Declare and ask the senior lead to approve')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.goto(f"/reports/self-assessment/{assessment.pk}/provision/1.3/")
    page.check("#id_comply_2")  # N/A, without the reason
    page.click("button:has-text('Save and go to')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    screenshot(page, "self-assessment-answer-errors")
    page.context.clear_cookies()
    sign_in(page, "gita")
    page.goto(f"/reports/annual/{assessment.year}/response/")
    assert_accessible(page)
