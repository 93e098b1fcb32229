"""The dashboard shows the letter work that otherwise hides: drafts waiting or returned, and
letters that could not be produced; each count links to its list."""

from datetime import date

import pytest
from django.urls import reverse

from putright.complaints.services.review import response_draft_return, response_draft_submit
from putright.complaints.tests.stories import acknowledged, response_input
from putright.letters.constants import OutboxStatus
from putright.letters.models import Letter, LetterRequest, OutboxItem
from putright.letters.services.outbox import outbox_retry

pytestmark = pytest.mark.django_db


def figures(page: str) -> str:
    return page.split('id="attention-figures"')[1].split("</div>\n</div>")[0]


def test_drafts_waiting_and_returned_are_counted_and_listed(
    client, handler, second_handler, officer, open_complaint
):
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    client.force_login(officer)
    shown = figures(client.get("/dashboard/").content.decode())
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/letters/reviews/">'
        in shown
    )
    response_draft_return(draft=draft, actor=second_handler, comments="Say when the roofer comes.")
    shown = figures(client.get("/dashboard/").content.decode())
    assert (
        '<span class="putright-stat">0</span> <a class="govuk-link" href="/letters/reviews/">'
        in shown
    )
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/letters/reviews/#returned">'
        in shown
    )
    listed = client.get("/letters/reviews/").content.decode().split('id="returned"')[1]
    assert open_complaint.reference in listed
    assert "Say when the roofer comes." in listed


def no_address(resident) -> None:
    resident.email = ""
    resident.home = None
    resident.save()


def test_a_letter_not_produced_is_counted_until_produced_with_a_link_to_its_queue_tab(
    client, officer, handler, complaint, resident, django_capture_on_commit_callbacks
):
    no_address(resident)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    client.force_login(officer)
    link = '<a class="govuk-link" href="/?scope=all&amp;attention=letter_failed">'
    assert f'<span class="putright-stat">1</span> {link}' in figures(
        client.get("/dashboard/").content.decode()
    )
    listed = client.get("/?scope=all&attention=letter_failed").content.decode()
    assert complaint.reference in listed
    assert "Acknowledgement not sent" in listed
    # Put right (an address added) and produced again from the outbox: no longer counted.
    resident.email = "rosa.bell@example.org"
    resident.save()
    request = LetterRequest.objects.get(status=LetterRequest.Status.NOT_PRODUCED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:request_retry", args=[request.pk]))
    assert response.status_code == 302
    assert Letter.objects.filter(kind="acknowledgement", complaint=complaint).exists()
    assert f'<span class="putright-stat">0</span> {link}' in figures(
        client.get("/dashboard/").content.decode()
    )
    assert (
        complaint.reference
        not in client.get("/?scope=all&attention=letter_failed").content.decode()
    )


def test_an_old_letter_not_produced_still_counts_it_is_not_put_right_by_time(
    client, officer, handler, complaint, resident, time_machine, django_capture_on_commit_callbacks
):
    no_address(resident)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    time_machine.move_to(date(2026, 6, 1))
    client.force_login(officer)
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/?scope=all&amp;attention=letter_failed">'
        in figures(client.get("/dashboard/").content.decode())
    )


def test_a_letter_that_could_not_be_delivered_is_flagged_until_retried(
    client, officer, handler, complaint, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_complaint = acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get(letter__kind="acknowledgement")
    item.status = OutboxStatus.FAILED
    item.save(update_fields=["status"])
    client.force_login(officer)
    queue = client.get("/?scope=all").content.decode()
    assert "Acknowledgement not sent" in queue
    case = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert 'id="letters-not-sent"' in case
    assert "could not be delivered after every retry" in case
    outbox_retry(item=item, actor=officer)
    assert "Acknowledgement not sent" not in client.get("/?scope=all").content.decode()


def test_the_queue_row_shows_a_returned_draft_and_the_case_page_its_comments(
    client, handler, second_handler, open_complaint
):
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    client.force_login(handler)
    assert "Response waiting for review" in client.get("/?scope=all").content.decode()
    response_draft_return(draft=draft, actor=second_handler, comments="Say when the roofer comes.")
    queue = client.get("/?scope=all").content.decode()
    assert "Response returned with comments" in queue
    assert "Response waiting for review" not in queue
    case = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert "returned by Hannah Lee" in case
    assert "Say when the roofer comes." in case


def test_a_failed_acknowledgement_is_flagged_on_the_queue_row_and_the_case_page(
    client, handler, complaint, resident, django_capture_on_commit_callbacks
):
    client.force_login(handler)
    assert "Acknowledgement not sent" not in client.get("/?scope=all").content.decode()
    no_address(resident)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    assert "Acknowledgement not sent" in client.get("/?scope=all").content.decode()
    case = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "Acknowledgement not sent." in case
    assert "the step it serves is not done" in case
