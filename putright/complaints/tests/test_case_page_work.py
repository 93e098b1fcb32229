"""The case page offers the next step the Code expects, nothing the state refuses, letters as
a summary with their PDF, and a stopped clock says what stopped it."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.complaints import services
from putright.complaints.tests.pages import page_text
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    reload,
    responded,
    travel,
)

pytestmark = pytest.mark.django_db


def case_page(client, complaint) -> str:
    response = client.get(f"/complaints/{complaint.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def primary_button(page: str) -> str:
    match = re.search(r"<a [^>]*data-primary-action[^>]*>([^<]+)</a>", page)
    return match[1] if match else ""


def offered(page: str, reference: str) -> set[str]:
    return set(re.findall(rf'href="/complaints/{reference}/([a-z-]+)/"', page))


def test_after_receiving_the_primary_button_is_acknowledge(client, handler, complaint):
    client.force_login(handler)
    page = case_page(client, complaint)
    assert primary_button(page) == "Acknowledge and define the complaint"


def test_after_acknowledging_the_primary_button_is_the_response_not_extend(
    client, officer, open_complaint
):
    client.force_login(officer)
    page = case_page(client, open_complaint)
    assert primary_button(page) == "Draft the response"
    assert "extend" in offered(page, open_complaint.reference)  # still there, not first


def test_unassigned_stage_two_asks_an_officer_to_assign_first(
    client, officer, handler, open_complaint
):
    complaint = escalated(responded(open_complaint, actor=handler), actor=handler)
    complaint = acknowledged(complaint, actor=handler)
    client.force_login(officer)
    assert primary_button(case_page(client, complaint)) == "Assign the complaint"


def test_a_complaint_closed_after_stage_two_offers_no_escalation(
    client, handler, second_handler, open_complaint
):
    complaint = escalated(responded(open_complaint, actor=handler), actor=handler)
    services.stage_assign(
        conflict="none", stage=complaint.stages.get(number=2), handler=second_handler, actor=handler
    )
    complaint = responded(acknowledged(complaint, actor=handler), actor=second_handler)
    services.complaint_close(complaint=complaint, reason="Final response sent.", actor=handler)
    client.force_login(handler)
    page = case_page(client, complaint)
    assert "escalate" not in offered(page, complaint.reference)
    assert primary_button(page) == ""
    # Asked for directly, it is refused before any form or confirmation.
    response = client.get(f"/complaints/{complaint.reference}/escalate/", follow=True)
    assert "already been through stage 2" in page_text(response.content.decode())
    assert response.redirect_chain[-1][0] == f"/complaints/{complaint.reference}/"


def test_a_complaint_closed_after_stage_one_still_offers_escalation(
    client, handler, open_complaint
):
    complaint = responded(open_complaint, actor=handler)
    services.complaint_close(complaint=complaint, reason="Response sent.", actor=handler)
    client.force_login(handler)
    page = case_page(client, complaint)
    assert "escalate" in offered(page, complaint.reference)
    assert client.get(f"/complaints/{complaint.reference}/escalate/").status_code == 200


def test_a_refused_action_is_not_offered_nor_shown_as_a_form(client, handler, complaint):
    client.force_login(handler)
    page = case_page(client, complaint)
    assert {"extend", "close", "escalate", "respond"}.isdisjoint(offered(page, complaint.reference))
    response = client.get(f"/complaints/{complaint.reference}/extend/", follow=True)
    assert "Cannot extend" in page_text(response.content.decode())


def test_a_withdrawn_complaint_says_what_stopped_its_clock(
    client, handler, open_complaint, time_machine, monday
):
    services.complaint_withdraw(
        complaint=open_complaint, reason="The resident is content.", actor=handler
    )
    travel(time_machine, monday + timedelta(days=120))
    client.force_login(handler)
    text = page_text(case_page(client, open_complaint))
    assert "Stopped on 2 March 2026: the resident withdrew the complaint" in text
    assert "working days left" not in text
    assert "Due soon" not in text


def test_a_clock_still_running_counts_down(client, handler, open_complaint):
    client.force_login(handler)
    text = page_text(case_page(client, open_complaint))
    assert "10 working days left" in text
    assert "Stopped" not in text


LETTER_TEXT = "Dear Rosa, this is the full text of our response. " * 40


def send_letter(complaint, actor, subject: str) -> None:
    """What the outbox files when a letter goes: the text and its PDF (Code 5.12)."""
    services.correspondence_add(
        complaint=complaint,
        direction="out",
        channel="email",
        counterpart="Rosa Bell <rosa.bell@example.org>",
        subject=subject,
        body=LETTER_TEXT,
        files=[SimpleUploadedFile("response.pdf", b"%PDF-1.4 a letter", "application/pdf")],
        actor=actor,
    )


def test_letters_are_listed_by_title_and_date_with_the_pdf_not_their_text(
    client, handler, open_complaint
):
    send_letter(open_complaint, handler, "We have received your complaint")
    send_letter(open_complaint, handler, "Our stage 1 response")
    client.force_login(handler)
    page = case_page(client, reload(open_complaint))
    table = page[page.index("data-letters") : page.index("</table>", page.index("data-letters"))]
    text = page_text(table)
    assert "We have received your complaint 2 March 2026 Sent by email Download PDF" in text
    assert "Our stage 1 response" in text
    assert len(re.findall(r'href="/complaints/[^"]+/documents/\d+/"', table)) == 2
    assert "full text of our response" not in page  # neither in the table nor the record


def test_incoming_mail_keeps_its_text_folded_when_long(client, handler, open_complaint):
    services.correspondence_add(
        complaint=open_complaint,
        direction="in",
        channel="email",
        counterpart="Rosa",
        subject="More about the leak",
        body="It is still dripping. " * 60,
        actor=handler,
    )
    client.force_login(handler)
    page = case_page(client, open_complaint)
    assert "It is still dripping." in page
    assert '<details class="govuk-details' in page
    assert "No letters sent yet." in page


def test_the_confirmation_page_shows_dates_in_words_and_keeps_the_boxes(
    client, handler, open_complaint
):
    complaint = responded(open_complaint, actor=handler)
    client.force_login(handler)
    typed = {"requested_on_day": "2", "requested_on_month": "3", "requested_on_year": "2026"}
    page = client.post(f"/complaints/{complaint.reference}/escalate/", typed).content.decode()
    assert "Are you sure?" in page
    assert "Date the resident asked to escalate 2 March 2026" in page_text(page)
    assert "2026-03-02" not in page_text(page)
    done = client.post(
        f"/complaints/{complaint.reference}/escalate/", {**typed, "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert reload(complaint).status == "stage2_requested"
