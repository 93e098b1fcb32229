"""Reviews visible (policy 6.4): the queue has a tab for drafts waiting and returned, the
reviewers are asked and the author is told (staff email through the one door), the review
page links to the case, and returned comments show on the case page."""

import pytest
from django.urls import reverse

from putright.complaints.services.review import response_draft_return, response_draft_submit
from putright.complaints.tests.stories import received, response_input
from putright.letters.constants import MessageKind
from putright.letters.models import Letter

pytestmark = pytest.mark.django_db


def staff_emails() -> list[tuple[str, str]]:
    return sorted(
        (m.delivery.to_address, m.subject)
        for m in Letter.objects.filter(kind=MessageKind.STAFF_REMINDER).select_related("delivery")
    )


def test_a_draft_sent_for_review_asks_the_officers_and_a_return_tells_the_author(
    open_complaint, handler, second_handler, officer
):
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    ref = open_complaint.reference
    assert staff_emails() == [
        ("olivia@thrive.example", f"Response to {ref} waiting for your review – PutRight")
    ]
    asked = Letter.objects.get(kind=MessageKind.STAFF_REMINDER)
    assert f"/letters/reviews/{draft.pk}/" in asked.text
    response_draft_return(draft=draft, actor=second_handler, comments="Say when the roofer comes.")
    returned = Letter.objects.filter(kind=MessageKind.STAFF_REMINDER).exclude(pk=asked.pk).get()
    assert returned.delivery.to_address == "hamid@thrive.example"
    assert returned.subject == f"Your response to {ref} was returned with comments – PutRight"
    assert "Say when the roofer comes." in returned.text
    assert "Hannah Lee returned version 1" in returned.text


def test_the_queue_has_tabs_for_drafts_waiting_and_returned(
    client, open_complaint, resident, handler, second_handler
):
    complaint_two = received(resident=resident, actor=handler, description="Noisy neighbours.")
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    client.force_login(handler)

    def listed(tab: str) -> str:
        page = client.get(f"/?scope=all&attention={tab}").content.decode()
        return page.split('id="queue-results"')[1]

    assert open_complaint.reference in listed("review")
    assert complaint_two.reference not in listed("review")
    assert open_complaint.reference not in listed("returned")
    response_draft_return(draft=draft, actor=second_handler, comments="Say when the roofer comes.")
    assert open_complaint.reference not in listed("review")
    assert open_complaint.reference in listed("returned")
    assert complaint_two.reference in listed("")


def test_the_review_page_links_to_the_case(client, open_complaint, handler, second_handler):
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    client.force_login(second_handler)
    page = client.get(reverse("letters:review", args=[draft.pk])).content.decode()
    link = page.split('id="review-case-link"')[1].split(">")[0]
    assert f'href="/complaints/{open_complaint.reference}/"' in link
