"""Keeping the resident informed while a response is late (Code 5.9): each update scheduled at
the interval agreed with the extension, shown on the queue and the case page, sent from the
case through the update letter, and the next one due one interval later."""

from datetime import date

import pytest
from django.urls import reverse

from putright.complaints import services
from putright.complaints.services.updates import (
    ACTION_DONE,
    NO_ACTION_INTERVAL,
    NO_UPDATE_OWED,
    UPDATE_NEEDS_PROGRESS,
)
from putright.complaints.tests.stories import (
    extended,
    reload,
    responded,
    roof_repair,
    stage_of,
    travel,
)
from putright.core.errors import InvalidInput, RuleBroken
from putright.letters.constants import LetterKind
from putright.letters.models import Letter

pytestmark = pytest.mark.django_db

MONDAY_30_MARCH = date(2026, 3, 30)


def figures(page: str) -> str:
    return page.split('id="attention-figures"')[1].split("</div>\n</div>")[0]


def test_an_extension_schedules_the_first_update_one_interval_after_the_resident_was_told(
    open_complaint, handler
):
    # Told on Monday 2 March, updates every 5 working days: the first is owed by 9 March.
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    assert stage_of(complaint).update_due == date(2026, 3, 9)


def test_a_stage_that_is_not_extended_owes_no_update_and_refuses_one(open_complaint, handler):
    assert stage_of(open_complaint).update_due is None
    with pytest.raises(RuleBroken) as refused:
        services.stage_update_send(
            stage=stage_of(open_complaint), progress="The roofer came.", actor=handler
        )
    assert refused.value.message == NO_UPDATE_OWED
    assert not open_complaint.events.filter(code="stage.update_sent").exists()


def test_sending_an_update_records_it_and_makes_the_next_due_one_interval_later(
    open_complaint, handler, time_machine
):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    travel(time_machine, date(2026, 3, 10))  # a day late
    services.stage_update_send(
        stage=stage_of(complaint), progress="The roofer has inspected the roof.", actor=handler
    )
    stage = stage_of(complaint)
    assert stage.last_update_on == date(2026, 3, 10)
    assert stage.update_due == date(2026, 3, 17)
    event = complaint.events.get(code="stage.update_sent")
    assert event.data == {
        "progress": "The roofer has inspected the roof.",
        "was_due": "2026-03-09",
        "next_update": "2026-03-17",
    }
    assert event.actor == handler


def test_an_update_with_no_progress_is_refused_and_nothing_is_recorded(open_complaint, handler):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    with pytest.raises(InvalidInput) as refused:
        services.stage_update_send(stage=stage_of(complaint), progress="  ", actor=handler)
    assert refused.value.message == UPDATE_NEEDS_PROGRESS
    assert stage_of(complaint).last_update_on is None
    assert not complaint.events.filter(code="stage.update_sent").exists()


def test_once_the_stage_is_answered_no_update_is_owed(open_complaint, handler):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    complaint = responded(complaint, actor=handler)
    assert stage_of(complaint).update_due is None


def test_the_case_page_and_queue_show_the_update_due_and_it_is_sent_from_the_case(
    client, open_complaint, handler, time_machine, django_capture_on_commit_callbacks
):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    travel(time_machine, date(2026, 3, 10))
    client.force_login(handler)
    case_url = reverse("complaints:case", args=[complaint.reference])
    page = client.get(case_url).content.decode()
    update = page.split('id="update-due"')[1].split("</div>")[0]
    assert "Update overdue" in update
    assert "by <strong>9 March 2026</strong>" in update
    queue = client.get("/?scope=all").content.decode()
    assert "Update overdue" in queue
    assert complaint.reference in client.get("/?scope=all&attention=update_due").content.decode()
    action = reverse("complaints:action", args=[complaint.reference, "send-update"])
    form = client.get(action).content.decode()
    assert "The next update is due by <strong>9 March 2026</strong>" in form
    refused = client.post(action, {"progress": ""})
    assert refused.status_code == 400
    assert UPDATE_NEEDS_PROGRESS in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"progress": "The roofer has inspected the roof."})
    assert response.status_code == 302
    letter = Letter.objects.get(kind=LetterKind.UPDATE, complaint=complaint)
    assert "We will update you again by 17 March 2026" in letter.text
    assert stage_of(reload(complaint)).update_due == date(2026, 3, 17)
    page = client.get(case_url).content.decode()
    assert "Update due" in page.split('id="update-due"')[1].split("</div>")[0]
    assert (
        complaint.reference
        not in client.get("/?scope=all&attention=update_due")
        .content.decode()
        .split('id="queue-results"')[1]
    )


def test_the_dashboard_counts_updates_due_this_week_with_a_link_to_the_list(
    client, officer, open_complaint, handler, time_machine
):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    client.force_login(officer)
    link = '<a class="govuk-link" href="/?scope=all&amp;attention=update_due">'
    # Due Monday 9 March: not this week (to Sunday 8 March) ...
    assert f'<span class="putright-stat">0</span> {link}' in figures(
        client.get("/dashboard/").content.decode()
    )
    travel(time_machine, date(2026, 3, 9))  # ... but it is next week, and overdue after that.
    client.force_login(officer)  # a week on, the old session has ended
    assert f'<span class="putright-stat">1</span> {link}' in figures(
        client.get("/dashboard/").content.decode()
    )
    assert complaint.reference in client.get("/?scope=all&attention=update_due").content.decode()


def test_a_viewer_sees_the_update_due_but_cannot_send_one(client, viewer, open_complaint, handler):
    complaint = extended(open_complaint, actor=handler, new_due=MONDAY_30_MARCH)
    client.force_login(viewer)
    page = client.get(reverse("complaints:case", args=[complaint.reference])).content.decode()
    assert "Update due" in page
    assert "send-update" not in page
    action = reverse("complaints:action", args=[complaint.reference, "send-update"])
    assert client.post(action, {"progress": "x"}).status_code == 403


# --- long-running outstanding actions (Code 6.6 / 6.17) -------------------------------------


def long_roof_repair(**kwargs):
    from dataclasses import replace

    return replace(roof_repair(due_on=date(2026, 6, 1)), update_interval_days=10, **kwargs)


def test_a_long_running_action_is_owed_updates_at_its_interval_until_done(
    client, open_complaint, handler, time_machine, django_capture_on_commit_callbacks
):
    complaint = responded(open_complaint, actor=handler, actions=[long_roof_repair()])
    action = complaint.outstanding_actions.get()
    assert action.update_interval_days == 10
    # Responded Monday 2 March; every 10 working days: first update owed by 16 March.
    travel(time_machine, date(2026, 3, 17))
    client.force_login(handler)
    case_url = reverse("complaints:case", args=[complaint.reference])
    shown = client.get(case_url).content.decode().split('id="action-updates"')[1]
    assert "Update overdue" in shown
    assert "by <strong>16 March 2026</strong>" in shown
    send = reverse("complaints:action", args=[complaint.reference, "send-action-update"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            send, {"item": action.pk, "progress": "The scaffolding goes up next week."}
        )
    assert response.status_code == 302
    letter = Letter.objects.get(kind=LetterKind.UPDATE, complaint=complaint)
    assert "Replace the cracked roof tiles above the kitchen." in letter.text
    assert "The scaffolding goes up next week." in letter.text
    assert "We will update you again by 31 March 2026" in letter.text
    event = complaint.events.get(code="action.update_sent")
    assert (event.data["was_due"], event.data["next_update"]) == ("2026-03-16", "2026-03-31")
    services.action_complete(action=action, actor=handler)
    assert 'id="action-updates"' not in client.get(case_url).content.decode()


def test_an_action_with_no_agreed_interval_owes_no_update(open_complaint, handler):
    complaint = responded(open_complaint, actor=handler, actions=[roof_repair()])
    with pytest.raises(RuleBroken) as refused:
        services.action_update_send(
            action=complaint.outstanding_actions.get(), progress="Going well.", actor=handler
        )
    assert refused.value.message == NO_ACTION_INTERVAL
    assert not complaint.events.filter(code="action.update_sent").exists()


def test_a_done_action_refuses_an_update(open_complaint, handler):
    complaint = responded(open_complaint, actor=handler, actions=[long_roof_repair()])
    action = complaint.outstanding_actions.get()
    services.action_complete(action=action, actor=handler)
    with pytest.raises(RuleBroken) as refused:
        services.action_update_send(action=action, progress="Going well.", actor=handler)
    assert refused.value.message == ACTION_DONE


def test_the_interval_travels_through_review_into_the_action(
    open_complaint, handler, second_handler
):
    from putright.complaints.services.review import response_draft_approve, response_draft_submit
    from putright.complaints.tests.stories import response_input

    draft = response_draft_submit(
        stage=stage_of(open_complaint),
        data=response_input(open_complaint, actions=[long_roof_repair()]),
        actor=handler,
    )
    response_draft_approve(draft=draft, actor=second_handler)
    assert open_complaint.outstanding_actions.get().update_interval_days == 10
