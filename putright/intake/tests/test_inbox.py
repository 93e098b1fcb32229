"""The intake inbox: every message waits for a person, who decides once; pages and rules."""

from datetime import timedelta

import pytest
from django.core import mail

from putright.complaints.models import Complaint, Correspondence
from putright.core.errors import AlreadyDone, InvalidInput
from putright.intake.constants import RECOGNISED_CHARS, Decision
from putright.intake.models import IntakeItem
from putright.intake.services import items
from putright.intake.services.email import email_import
from putright.intake.tests.test_email_intake import PHOTO, message

pytestmark = pytest.mark.django_db


def phoned(text="I want to complain: third time I've chased the leak.", **extra) -> IntakeItem:
    return items.item_receive(
        channel="phone", received_at=None, body=text, sender_name="Rosa Bell", **extra
    )


def test_the_assistant_scores_each_item_and_marks_the_phrases(monday, db):
    item = phoned()
    assert item.reference == f"MSG-{item.pk:06d}"
    assert item.suggested_label == "complaint"
    assert item.score > 0.5
    marked = [item.text[start:end].lower() for start, end in item.phrases]
    assert any("complain" in m for m in marked)


def test_a_huge_message_is_read_by_the_assistant_up_to_the_limit_only(monday, db):
    """A megabyte of text would take the assistant a second and mark thousands of phrases: it
    reads the first RECOGNISED_CHARS characters, the whole message is kept for the person."""
    text = "Third time I've chased this, not good enough. " * 25_000
    item = phoned(text)
    assert len(item.body) == len(text.strip())
    assert item.suggested_label == "complaint"
    assert item.phrases
    assert max(end for _, end in item.phrases) <= RECOGNISED_CHARS


def test_deciding_a_complaint_dates_it_from_when_we_received_the_message(
    monday, rosa, handler, time_machine
):
    raw = (
        b"Received: from mx by mail.thrive.example; Fri, 27 Feb 2026 16:00:00 +0000\r\n"
        + message(attachments=[PHOTO], date="Mon, 01 Jan 1990 00:00:00 +0000")
    )
    inbound, _ = email_import(raw=raw, source="test")
    time_machine.shift(timedelta(days=2))
    complaint = items.item_decide_complaint(item=inbound.item, actor=handler, confirm_match=True)
    assert str(complaint.received_on) == "2026-02-27"  # not 1990, not the day decided
    assert complaint.reference.startswith("CMP-2026-")
    assert complaint.resident == rosa
    filed = Correspondence.objects.get(complaint=complaint, direction="in")
    assert filed.attachments.get().original_name == "mould.png"


def test_a_decision_records_who_and_when_and_is_made_once(monday, handler, officer):
    item = phoned()
    items.item_decide(item=item, decision=Decision.ENQUIRY, actor=handler, note="Rent query")
    item.refresh_from_db()
    assert (item.decision, item.decided_by, item.decision_note) == (
        "enquiry",
        handler,
        "Rent query",
    )
    assert item.decided_at is not None
    with pytest.raises(AlreadyDone):
        items.item_decide(item=item, decision=Decision.SPAM, actor=officer)
    with pytest.raises(AlreadyDone):
        items.item_decide_complaint(item=item, actor=officer)
    assert Complaint.objects.count() == 0
    item.refresh_from_db()
    assert item.decision == "enquiry"


def test_adding_to_a_named_case_files_the_message_there(monday, handler, rosas_complaint):
    item = phoned("Also the bathroom fan is still broken.")
    items.item_add_to_case(item=item, reference=rosas_complaint.reference.lower(), actor=handler)
    item.refresh_from_db()
    assert (item.decision, item.complaint) == ("added_to_case", rosas_complaint)
    assert Correspondence.objects.get(complaint=rosas_complaint).body.startswith("Also the")
    with pytest.raises(InvalidInput, match="There is no complaint CMP-2026-999999"):
        items.item_add_to_case(item=phoned(), reference="CMP-2026-999999", actor=handler)


def test_a_plain_decision_cannot_be_a_complaint_by_the_back_door(monday, handler):
    with pytest.raises(InvalidInput):
        items.item_decide(item=phoned(), decision=Decision.COMPLAINT, actor=handler)


def test_a_staff_note_is_received_on_the_day_it_was_said(monday, handler):
    item = items.item_note_record(
        channel="social_media",
        sender_name="@rosabell",
        body="Still no one has come about the damp.",
        received_on=monday - timedelta(days=3),
        actor=handler,
    )
    assert item.received_at.date() == monday - timedelta(days=3)
    assert item.created_by == handler


# --- pages -----------------------------------------------------------------------------------


def test_the_inbox_lists_items_with_the_score_and_the_phrases_marked_and_escaped(
    client, monday, handler
):
    phoned("<script>alert(1)</script> This is not good enough.")
    client.force_login(handler)
    page = client.get("/intake/inbox/").content.decode()
    assert "<mark>not good enough</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "% complaint" in page


def test_the_inbox_filters_and_pages(client, monday, handler):
    for n in range(30):
        phoned(f"Rent question number {n}?")
    items.item_receive(channel="email", received_at=None, body="Lovely job on the lift, thanks")
    client.force_login(handler)
    first = client.get("/intake/inbox/").content.decode()
    assert "31 messages" in first
    assert "Page 1 of 2" in first
    emails = client.get("/intake/inbox/?channel=email").content.decode()
    assert "1 message" in emails
    assert "Lovely job" in emails
    found = client.get("/intake/inbox/?q=number+7").content.decode()
    assert "1 message" in found


def test_the_inbox_and_an_item_take_a_fixed_number_of_queries(
    client, monday, handler, rosa, rosas_complaint, django_assert_max_num_queries
):
    for n in range(25):
        email_import(
            raw=message(
                message_id=f"<m{n}@x>",
                sender=f"Stranger {n} <s{n}@example.net>",
                attachments=[PHOTO, ("a.zip", b"PK", "application", "zip")],
                subject=f"{rosas_complaint.reference}",
            ),
            source="test",
        )
    client.force_login(handler)
    with django_assert_max_num_queries(5):
        assert client.get("/intake/inbox/?status=").status_code == 200
    assert IntakeItem.objects.count() == 25
    item = IntakeItem.objects.first()
    with django_assert_max_num_queries(5):
        assert client.get(f"/intake/inbox/{item.pk}/").status_code == 200


def test_deciding_on_the_page_sent_twice_acts_once(client, monday, handler):
    item = phoned()
    client.force_login(handler)
    form = {"decision": "complaint", "submission_token": "0b5b2d0e-1d2c-4a43-8d8e-0c1f9d5ab001"}
    first = client.post(f"/intake/inbox/{item.pk}/decide/", form)
    again = client.post(f"/intake/inbox/{item.pk}/decide/", form)
    assert first.status_code == 302
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Complaint.objects.count() == 1


def test_a_decision_already_made_by_someone_else_is_shown_on_the_form(
    client, monday, handler, officer
):
    item = phoned()
    items.item_decide(item=item, decision=Decision.SPAM, actor=officer)
    client.force_login(handler)
    response = client.post(f"/intake/inbox/{item.pk}/decide/", {"decision": "complaint"})
    assert response.status_code == 400
    assert "already decided" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_adding_to_a_case_needs_its_reference(client, monday, handler):
    client.force_login(handler)
    response = client.post(f"/intake/inbox/{phoned().pk}/decide/", {"decision": "added_to_case"})
    assert response.status_code == 400
    assert "Enter the reference of the complaint to add it to" in response.content.decode()


def test_bulk_spam_marks_only_undecided_items(client, monday, handler, officer):
    one, two, decided = phoned("Buy cheap pills"), phoned("Win a prize"), phoned("Rent?")
    items.item_decide(item=decided, decision=Decision.ENQUIRY, actor=officer)
    client.force_login(handler)
    response = client.post(
        "/intake/inbox/spam/", {"items": [one.pk, two.pk, decided.pk]}, follow=True
    )
    assert response.redirect_chain[0][1] == 302
    assert "2 message(s) marked as spam" in response.content.decode()
    decisions = dict(IntakeItem.objects.values_list("pk", "decision"))
    assert decisions == {one.pk: "spam", two.pk: "spam", decided.pk: "enquiry"}
    assert mail.outbox == []


def test_staff_record_a_phone_call_for_the_inbox(client, monday, handler):
    client.force_login(handler)
    response = client.post(
        "/intake/inbox/new/",
        {"channel": "phone", "sender_name": "Rosa Bell", "body": "The repair was not good enough."},
    )
    item = IntakeItem.objects.get()
    assert response["Location"] == f"/intake/inbox/{item.pk}/"
    assert (item.channel, item.created_by) == ("phone", handler)
    bad = client.post("/intake/inbox/new/", {"channel": "phone", "sender_name": "Rosa"})
    assert bad.status_code == 400
    assert "Enter what they said" in bad.content.decode()


def test_a_viewer_reads_the_inbox_but_cannot_decide(client, monday, viewer):
    item = phoned()
    client.force_login(viewer)
    assert client.get("/intake/inbox/").status_code == 200
    page = client.get(f"/intake/inbox/{item.pk}/").content.decode()
    assert "Record decision" not in page
    for path in (f"/intake/inbox/{item.pk}/decide/", "/intake/inbox/spam/", "/intake/inbox/new/"):
        assert client.post(path, {"decision": "spam", "items": [item.pk]}).status_code == 403
    item.refresh_from_db()
    assert item.decision == ""


def test_anonymous_visitors_cannot_see_the_inbox(client, monday):
    item = phoned()
    for path in ("/intake/inbox/", f"/intake/inbox/{item.pk}/", "/intake/inbox/new/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")
