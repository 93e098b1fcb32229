"""The follow-through tracker: every promise on every complaint, open or closed, until done."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.complaints import services
from putright.complaints.models import Attachment, OutstandingAction, Remedy
from putright.complaints.tests.stories import (
    acknowledged,
    apology,
    escalated,
    received,
    responded,
    roof_repair,
    stage_of,
    travel,
)
from putright.people.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_with_overdue_remedy(open_complaint, handler, time_machine):
    """Rosa's complaint answered on 2 March with an apology due 4 March, closed, then forgotten."""
    complaint = responded(
        open_complaint,
        actor=handler,
        remedies=[apology(due_on=date(2026, 3, 4))],
        actions=[roof_repair(owner=handler, due_on=date(2026, 3, 20))],
    )
    services.complaint_close(complaint=complaint, reason="Answered in full.", actor=handler)
    travel(time_machine, date(2026, 3, 10))  # Tuesday: Thursday 5 to Tuesday 10 have passed
    return complaint


def test_a_closed_complaints_overdue_remedy_is_on_the_tracker_overdue_in_working_days(
    client, officer, closed_with_overdue_remedy
):
    client.force_login(officer)
    page = client.get("/follow-ups/?state=overdue").content.decode()
    assert "A written apology from the repairs manager." in page
    assert "Overdue by 4 working days" in page
    assert closed_with_overdue_remedy.reference in page
    assert "Hamid Shah" in page
    # The roof repair is not overdue yet, so the overdue filter leaves it out.
    assert "Replace the cracked roof tiles" not in page
    assert "Due in 8 working days" in client.get("/follow-ups/").content.decode()


def test_my_follow_ups_shows_only_what_the_signed_in_member_of_staff_owns(
    client, handler, second_handler, closed_with_overdue_remedy
):
    client.force_login(second_handler)
    assert "No follow-ups match." in client.get("/follow-ups/?tab=mine").content.decode()
    client.force_login(handler)
    mine = client.get("/follow-ups/?tab=mine").content.decode()
    assert "A written apology" in mine
    assert "Replace the cracked roof tiles" in mine


def test_an_action_named_to_a_contractor_is_chased_by_the_handler_and_filtered_by_type(
    client, handler, open_complaint
):
    responded(open_complaint, actor=handler, actions=[roof_repair()])
    client.force_login(handler)
    page = client.get("/follow-ups/?kind=action&tab=mine").content.decode()
    assert "Roofing contractor (chased by Hamid Shah)" in page
    assert "A written apology" not in page


def test_filters_by_team_and_complaint_status(client, handler, officer, closed_with_overdue_remedy):
    handler.team = "Repairs"
    handler.save()
    client.force_login(officer)
    assert "A written apology" in client.get("/follow-ups/?team=Repairs").content.decode()
    assert "No follow-ups match." in client.get("/follow-ups/?team=Lettings").content.decode()
    assert "A written apology" in client.get("/follow-ups/?status=closed").content.decode()
    assert "No follow-ups match." in client.get("/follow-ups/?status=stage1_open").content.decode()


def test_the_tracker_pages_25_at_a_time_open_before_done(client, handler, open_complaint):
    responded(
        open_complaint,
        actor=handler,
        remedies=[apology(due_on=date(2026, 3, 2) + timedelta(days=i)) for i in range(30)],
    )
    first = Remedy.objects.order_by("due_on").first()
    services.remedy_complete(remedy=first, actor=handler)
    client.force_login(handler)
    page1 = client.get("/follow-ups/").content.decode()
    assert "30 follow-ups" in page1
    assert "Page 1 of 2" in page1
    assert "Done on time" not in page1  # the done one sorts after every open one
    assert "Done on time" in client.get("/follow-ups/?page=2").content.decode()


def test_the_tracker_needs_the_same_queries_for_many_rows_as_for_few(
    client, handler, category, monday, django_assert_max_num_queries
):
    def promise_on_new_complaints(n):
        for _ in range(n):
            c = acknowledged(
                received(resident=ResidentFactory(), actor=handler, category=category),
                actor=handler,
            )
            responded(c, actor=handler, actions=[roof_repair(owner=handler)])

    promise_on_new_complaints(2)
    client.force_login(handler)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/follow-ups/").status_code == 200
    promise_on_new_complaints(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/follow-ups/").content.decode()
    assert page.count("Mark as done<span") == 25


def test_completing_from_the_tracker_keeps_the_evidence_and_writes_to_the_resident(
    client, handler, closed_with_overdue_remedy, django_capture_on_commit_callbacks
):
    from putright.letters.constants import LetterKind
    from putright.letters.models import Letter

    remedy = closed_with_overdue_remedy.remedies.get()
    client.force_login(handler)
    page = client.get("/follow-ups/").content.decode()
    link = f"/complaints/{closed_with_overdue_remedy.reference}/complete-remedy/?item={remedy.pk}"
    assert link.replace("&", "&amp;") in page
    assert "Evidence (optional)" in client.get(link).content.decode()
    data = {
        "item": remedy.pk,
        "completed_on": "2026-03-09",
        "note": "Apology letter signed by the repairs manager.",
        "files": SimpleUploadedFile(
            "apology.pdf", b"%PDF-1.4 signed", content_type="application/pdf"
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, data)
    assert response.status_code == 302
    remedy.refresh_from_db()
    assert remedy.completed_on == date(2026, 3, 9)
    event = closed_with_overdue_remedy.events.get(code="remedy.completed")
    assert event.data["attachments"] == ["apology.pdf"]
    assert event.data["on_time"] is False
    assert Attachment.objects.filter(
        complaint=closed_with_overdue_remedy, original_name="apology.pdf"
    ).exists()
    assert Letter.objects.filter(kind=LetterKind.COMPLETION).count() == 1
    assert "Done late (by 3 working days)" in client.get("/follow-ups/").content.decode()


def test_a_refused_evidence_file_completes_nothing(handler, closed_with_overdue_remedy):
    from putright.core.errors import InvalidInput

    action = OutstandingAction.objects.get()
    with pytest.raises(InvalidInput):
        services.action_complete(
            action=action,
            actor=handler,
            files=[SimpleUploadedFile("run.exe", b"MZ\x90", content_type="application/pdf")],
        )
    action.refresh_from_db()
    assert action.completed_on is None
    assert not Attachment.objects.exists()


def test_the_api_lists_follow_ups_with_status_in_words_and_completes_with_evidence(
    client, handler, closed_with_overdue_remedy
):
    client.force_login(handler)
    body = client.get("/api/v1/follow-ups/?state=overdue&mine=true").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["kind"] == "remedy"
    assert row["complaint"] == closed_with_overdue_remedy.reference
    assert row["complaint_status"] == "closed"
    assert (row["standing"], row["working_days"]) == ("overdue", 4)
    assert row["status"] == "Overdue by 4 working days"
    done = client.post(
        row["complete_url"],
        {
            "completed_on": "2026-03-10",
            "note": "Posted.",
            "files": [SimpleUploadedFile("receipt.png", b"\x89PNG....", content_type="image/png")],
        },
    )
    assert done.status_code == 200, done.content
    event = closed_with_overdue_remedy.events.get(code="remedy.completed")
    assert event.data["attachments"] == ["receipt.png"]
    assert client.get("/api/v1/follow-ups/?state=overdue").json()["count"] == 0


def test_the_dashboard_counts_follow_ups_overdue_and_due_this_week_with_links(
    client, officer, closed_with_overdue_remedy
):
    OutstandingAction.objects.update(due_on=date(2026, 3, 13))  # Friday this week
    client.force_login(officer)
    page = client.get("/dashboard/").content.decode()
    figures = page.split('id="follow-up-figures"')[1].split("</div>\n</div>")[0]
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/follow-ups/?state=week">'
        in figures
    )
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/follow-ups/?state=overdue">'
        in figures
    )
    week = client.get("/follow-ups/?state=week").content.decode()
    assert "Replace the cracked roof tiles" in week
    assert "A written apology" not in week


def _derived_owner(item):
    """Who chases a promise, derived as the module doc says: the stored value must equal it."""
    return getattr(item, "owner_id", None) or item.complaint.handler_id


def test_the_stored_owner_follows_the_handler_through_escalation_and_reassignment(
    client, handler, second_handler, officer, open_complaint
):
    complaint = responded(
        open_complaint,
        actor=handler,
        remedies=[apology()],
        actions=[roof_repair(), roof_repair(owner=officer)],  # a contractor's; Olivia's own
    )

    def owners():
        items = [*Remedy.objects.all(), *OutstandingAction.objects.order_by("pk")]
        assert [i.chased_by_id for i in items] == [_derived_owner(i) for i in items]
        return [i.chased_by_id for i in items]

    assert owners() == [handler.pk, handler.pk, officer.pk]
    complaint = escalated(complaint, actor=handler)  # stage 2 starts unassigned (Code 6.13)
    assert owners() == [None, None, officer.pk]
    services.stage_assign(
        stage=stage_of(complaint), handler=second_handler, actor=officer, conflict="none"
    )
    assert owners() == [second_handler.pk, second_handler.pk, officer.pk]
    client.force_login(second_handler)
    mine = client.get("/follow-ups/?tab=mine").content.decode()
    assert "A written apology" in mine
    assert "Roofing contractor (chased by Hannah Lee)" in mine
    client.force_login(handler)
    assert "No follow-ups match." in client.get("/follow-ups/?tab=mine").content.decode()


def test_the_tracker_counts_up_to_its_cap_and_then_says_more_than(
    client, handler, open_complaint, monkeypatch
):
    from putright.complaints import followups

    responded(
        open_complaint,
        actor=handler,
        remedies=[apology(due_on=date(2026, 3, 2) + timedelta(days=i)) for i in range(5)],
    )
    monkeypatch.setattr(followups, "COUNT_CAP", 3)
    monkeypatch.setattr("putright.complaints.views.FOLLOW_UP_COUNT_CAP", 3)
    client.force_login(handler)
    page = client.get("/follow-ups/").content.decode()
    assert "More than 3 follow-ups" in page
    # Paged as far as counted (cap + 1 of a kind): at 1,000 a kind, 80 pages; filters narrow.
    assert page.count("Mark as done<span") == 4
    monkeypatch.setattr(followups, "COUNT_CAP", 5)
    assert "5 follow-ups" in client.get("/follow-ups/").content.decode()
