"""The exceptional circumstances pages (Code 8.5): the officer declares through the form, the
senior lead approves through the page, anyone reading reports downloads the notification."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus
from putright.complaints.services import exceptional as services
from putright.letters.tests.conftest import pdf_text

REASON = "A cyber incident took our housing management system offline."


@pytest.fixture
def declared(db, time_machine, officer):
    time_machine.move_to(date(2026, 3, 2))
    return services.exceptional_declare(
        reason=REASON,
        starts_on=date(2026, 3, 2),
        expected_end_on=date(2026, 3, 31),
        all_complaints=True,
        actor=officer,
    )


def test_an_officer_declares_a_period_through_the_form_with_one_round_of_errors(
    client, db, officer
):
    client.force_login(officer)
    url = reverse("reporting:exceptional_list")
    response = client.post(url, {"reason": "Fire.", "starts_on": "2026-03-02"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert escape(services.REASON_NEEDED) in page
    assert "Enter a valid date" in page or "This field is required" in page
    assert not ExceptionalPeriod.objects.exists()
    response = client.post(
        url,
        {
            "reason": REASON,
            "starts_on": "2026-03-02",
            "expected_end_on": "2026-03-31",
            "areas": "Riverside, Hilltop",
        },
    )
    period = ExceptionalPeriod.objects.get()
    assert response["Location"] == reverse("reporting:exceptional", kwargs={"pk": period.pk})
    assert period.areas == ["Hilltop", "Riverside"]
    assert period.status == ExceptionalStatus.DECLARED


def test_the_senior_lead_approves_on_the_page_and_the_officer_cannot(
    client, declared, officer, senior_lead
):
    url = reverse("reporting:exceptional_approve", kwargs={"pk": declared.pk})
    client.force_login(officer)
    assert client.post(url, {"note": ""}).status_code == 403
    page = client.get(reverse("reporting:exceptional", kwargs={"pk": declared.pk}))
    assert "Approve: write to affected residents" not in page.content.decode()
    client.force_login(senior_lead)
    assert client.post(url, {"note": "Agreed at exec."}).status_code == 302
    declared.refresh_from_db()
    assert (declared.status, declared.decided_by) == (ExceptionalStatus.IN_FORCE, senior_lead)


def test_the_ombudsman_notification_is_a_document_with_the_period(
    client, declared, viewer, tmp_path
):
    client.force_login(viewer)
    response = client.get(reverse("reporting:exceptional_notification", kwargs={"pk": declared.pk}))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "notification.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert "Notification to the Housing Ombudsman: exceptional circumstances" in text
    assert REASON in text
    assert "31 March 2026" in text
