"""The exceptional circumstances pages (Code 8.5): the officer declares through the form, the
senior lead approves through the page, anyone reading reports downloads the notification."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from putright.complaints import selectors as complaint_selectors
from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus
from putright.complaints.services import exceptional as services
from putright.core.models import SecurityEvent
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


def test_every_step_is_in_the_security_log_and_the_page_shows_the_history(
    client, declared, officer, senior_lead, administrator, time_machine
):
    """The period's fields keep only the latest who and when; the history keeps each step,
    even when a later one overwrites the field (the notification date recorded twice)."""
    services.exceptional_approve(period=declared, actor=senior_lead, note="Agreed at exec.")
    time_machine.move_to(date(2026, 3, 20))
    services.exceptional_ombudsman_notified(
        period=declared, notified_on=date(2026, 3, 3), actor=officer
    )
    services.exceptional_ombudsman_notified(
        period=declared, notified_on=date(2026, 3, 4), actor=administrator
    )
    services.exceptional_end(period=declared, ended_on=date(2026, 3, 19), actor=officer)
    history = list(complaint_selectors.exceptional_history(declared))
    assert [(e.kind, e.user) for e in history] == [
        (SecurityEvent.Kind.EXCEPTIONAL_DECLARED, officer),
        (SecurityEvent.Kind.EXCEPTIONAL_APPROVED, senior_lead),
        (SecurityEvent.Kind.EXCEPTIONAL_NOTIFIED, officer),
        (SecurityEvent.Kind.EXCEPTIONAL_NOTIFIED, administrator),
        (SecurityEvent.Kind.EXCEPTIONAL_ENDED, officer),
    ]
    assert history[1].data == {"period": declared.pk, "note": "Agreed at exec."}
    assert history[2].data["notified_on"] == "2026-03-03"
    client.force_login(senior_lead)
    page = client.get(reverse("reporting:exceptional", kwargs={"pk": declared.pk}))
    text = page.content.decode()
    table = text[text.index('id="history"') : text.index("</table>", text.index('id="history"'))]
    assert "Exceptional circumstances declared" in table
    assert "Exceptional circumstances approved" in table
    assert "Agreed at exec." in table
    assert "Notified on 2026-03-03" in table
    assert "Notified on 2026-03-04" in table
    assert "Ended on 2026-03-19" in table
    assert "Simon Clarke" in table
    assert "Olivia Okafor" in table


def test_a_refusal_is_in_the_history_with_its_reason(declared, senior_lead):
    services.exceptional_refuse(period=declared, actor=senior_lead, note="Not exceptional.")
    refused = complaint_selectors.exceptional_history(declared).last()
    assert (refused.kind, refused.user, refused.data["note"]) == (
        SecurityEvent.Kind.EXCEPTIONAL_REFUSED,
        senior_lead,
        "Not exceptional.",
    )
