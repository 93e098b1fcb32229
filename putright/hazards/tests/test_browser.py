"""The hazard pages in a real browser: axe-core finds no WCAG 2.2 A/AA violation."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.complaints.tests.stories import received
from putright.core.clock import now
from putright.hazards import services
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_hazard_page_has_no_wcag_violations(page):
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    complaint = received(
        resident=ResidentFactory(full_name="Rosa Bell"),
        actor=olivia,
        description="Black mould on the bedroom ceiling.",
    )
    report = services.hazard_report_raise(
        complaint=complaint,
        aware_at=now() - timedelta(hours=2),
        source="complaint",
        told_by="Rosa Bell",
        hazard="damp_mould",
        description="Black mould on the bedroom ceiling.",
        assessment="significant",
        actor=olivia,
    )
    # Gas reported 30 hours ago and not made safe: overdue, and accommodation owed.
    gas = services.hazard_report_raise(
        aware_at=now() - timedelta(hours=30),
        source="staff",
        told_by="A gas engineer",
        hazard="uncombusted_gas",
        description="Smell of gas by the meter.",
        assessment="emergency",
        address="3 Wharf Row",
        actor=olivia,
    )
    from putright.intake.services.service_requests import service_request_create

    repair = service_request_create(
        resident=complaint.resident,
        summary="Bedroom window will not close",
        requested_on=now().date(),
        due_on=now().date() + timedelta(days=7),
        actor=olivia,
    )
    from putright.intake.services.items import item_receive

    message = item_receive(
        channel="email",
        received_at=now() - timedelta(hours=1),
        subject="Mould",
        body="Black mould in the bedroom.",
        sender_name="Rosa Bell",
        sender_email=complaint.resident.email,
        suggested_resident=complaint.resident,
    )
    sign_in(page, "olivia")
    for path in [
        "/hazards/",
        "/hazards/?show=all",
        "/hazards/?show=due",
        "/hazards/?show=overdue&mine=1",
        "/hazards/new/",
        f"/hazards/new/?resident={complaint.resident.pk}",
        f"/intake/service-requests/{repair.pk}/",
        f"/intake/service-requests/{repair.pk}/hazard/",
        f"/intake/inbox/{message.pk}/",
        f"/intake/inbox/{message.pk}/hazard/",
        "/dashboard/",
        "/?scope=all&hazard=open",
        f"/complaints/{complaint.reference}/acknowledge/",
        f"/hazards/{report.pk}/",
        "/hazards/compliance/",
        f"/hazards/{gas.pk}/",
        f"/hazards/compliance/?start={(now() - timedelta(days=3)).date()}&end={now().date()}"
        "&clock=emergency_safety&bucket=overdue",
        f"/complaints/{complaint.reference}/",
    ]:
        page.goto(path)
        assert_accessible(page)
    # One round of errors: the error summary and the fields in error are accessible too.
    page.goto("/hazards/new/")
    page.click("button:has-text('Raise the hazard report')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.goto(f"/intake/service-requests/{repair.pk}/hazard/")
    page.fill("#id_aware_at", "")
    page.click("button:has-text('Raise the hazard report')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.goto(f"/intake/inbox/{message.pk}/hazard/")
    page.click("button:has-text('Raise the hazard report')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
