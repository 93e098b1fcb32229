"""The dashboard shows the letter work that otherwise hides: drafts waiting or returned, and
letters that could not be produced; each count links to its list."""

import pytest

from putright.complaints.services.common import record_event
from putright.complaints.services.review import response_draft_return, response_draft_submit
from putright.complaints.tests.stories import response_input

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


def test_letters_not_produced_are_counted_with_a_link_to_the_outbox(
    client, officer, open_complaint
):
    record_event(
        open_complaint,
        "letter.not_produced",
        "Acknowledgement letter not produced: staff action needed",
        actor=None,
        actor_label="PutRight letters",
        data={"kind": "acknowledgement", "reason": "No address", "missing": []},
    )
    client.force_login(officer)
    shown = figures(client.get("/dashboard/").content.decode())
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/letters/outbox/">'
        in shown
    )


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


def test_a_failed_acknowledgement_is_flagged_on_the_queue_row(client, handler, complaint):
    client.force_login(handler)
    assert "Acknowledgement not sent" not in client.get("/?scope=all").content.decode()
    record_event(
        complaint,
        "letter.not_produced",
        "Acknowledgement letter not produced: staff action needed",
        actor=None,
        actor_label="PutRight letters",
        data={"kind": "acknowledgement", "reason": "No address", "missing": []},
    )
    assert "Acknowledgement not sent" in client.get("/?scope=all").content.decode()
