"""The daily follow-up review: one digest per owner, escalation, a note on each case, once a day."""

from datetime import date

import pytest
from django.core.management import call_command

from putright.complaints import services
from putright.complaints.models import CaseEvent
from putright.complaints.services.common import follow_ups_chased_by
from putright.complaints.services.followups import REMINDED, followups_daily_review
from putright.complaints.tests.stories import (
    apology,
    compensation,
    extended,
    responded,
    roof_repair,
    stage_of,
    travel,
)
from putright.letters.models import Letter

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 3, 10)


def digests() -> list[Letter]:
    return list(Letter.objects.filter(kind="staff_reminder").order_by("pk"))


@pytest.fixture
def promises(open_complaint, handler, second_handler, time_machine):
    """Answered 2 March: apology due 4 March and compensation due 9 March (Hamid's, as handler),
    a roof repair due 11 March owned by Hannah; then closed. Today is Tuesday 10 March."""
    complaint = responded(
        open_complaint,
        actor=handler,
        remedies=[apology(due_on=date(2026, 3, 4)), compensation(due_on=date(2026, 3, 9))],
        actions=[roof_repair(owner=second_handler, due_on=date(2026, 3, 11))],
    )
    services.complaint_close(complaint=complaint, reason="Answered in full.", actor=handler)
    travel(time_machine, TUESDAY)
    return complaint


def test_a_closed_complaints_overdue_remedy_is_in_its_owners_single_digest(
    promises, handler, second_handler, settings
):
    settings.PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS = 10
    done = followups_daily_review(today=TUESDAY)
    assert (done.digests, done.escalations, done.recorded) == (2, 0, 1)
    hamid = Letter.objects.get(kind="staff_reminder", recipient_name="Hamid Shah")
    assert "Overdue by 4 working days: A written apology from the repairs manager." in hamid.text
    assert "Overdue by 1 working day: Compensation for the time" in hamid.text
    assert promises.reference in hamid.text
    assert "roof tiles" not in hamid.text
    hannah = Letter.objects.get(kind="staff_reminder", recipient_name="Hannah Lee")
    assert "Due soon: 1 working day left: Replace the cracked roof tiles" in hannah.text
    assert hamid.delivery.to_address == "hamid@thrive.example"


def test_items_overdue_beyond_the_limit_go_to_the_complaints_officer(promises, officer, settings):
    settings.PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS = 3
    assert followups_daily_review(today=TUESDAY).escalations == 1
    olivia = Letter.objects.get(kind="staff_reminder", recipient_name="Olivia Okafor")
    assert "overdue by more than 3 working days" in olivia.subject
    assert "A written apology" in olivia.text
    assert "Compensation" not in olivia.text  # overdue by 1, within the limit


def test_each_reminder_is_recorded_once_per_complaint_per_day_and_a_rerun_sends_nothing(
    promises, officer, settings
):
    settings.PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS = 3
    followups_daily_review(today=TUESDAY)
    sent = [letter.pk for letter in digests()]
    event = CaseEvent.objects.get(complaint=promises, code=REMINDED)
    assert event.happened_on == TUESDAY
    assert [(i["kind"], i["escalated"]) for i in event.data["items"]] == [
        ("remedy", True),
        ("remedy", False),
        ("action", False),
    ]
    call_command("followups_daily_review", "--date", TUESDAY.isoformat())
    assert [letter.pk for letter in digests()] == sent
    assert CaseEvent.objects.filter(complaint=promises, code=REMINDED).count() == 1


def test_done_and_far_off_items_are_not_reminded(promises, handler, second_handler):
    for remedy in promises.remedies.all():
        services.remedy_complete(remedy=remedy, actor=handler)
    promises.outstanding_actions.update(due_on=date(2026, 4, 30))
    done = followups_daily_review(today=TUESDAY)
    assert (done.digests, done.recorded) == (0, 0)
    assert not digests()


def test_the_follow_up_review_is_a_daily_scheduled_job(db):
    from datetime import UTC, datetime

    import time_machine

    from putright.core.models import JobRun
    from putright.core.scheduler import registered_jobs, scheduler_tick

    assert "complaints.follow_up_review" in registered_jobs()
    with time_machine.travel(datetime(2026, 12, 4, 8, 0, tzinfo=UTC), tick=False):
        scheduler_tick()
        scheduler_tick()
    run = JobRun.objects.get(job="complaints.follow_up_review")
    assert run.status == JobRun.Status.SUCCEEDED


def test_an_update_owed_to_the_resident_is_in_the_handlers_one_digest_and_on_the_record(
    open_complaint, handler, time_machine
):
    # Extended on Monday 2 March with updates every 5 working days: one owed by 9 March.
    complaint = extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
    complaint.remedies.create(
        remedy_type="apology", description="An apology for the wait.", due_on=date(2026, 3, 6)
    )
    follow_ups_chased_by(complaint)  # what a service does after making a promise
    travel(time_machine, TUESDAY)
    done = followups_daily_review(today=TUESDAY)
    assert (done.digests, done.recorded) == (1, 1)  # one email, one note, both kinds in it
    hamid = Letter.objects.get(kind="staff_reminder", recipient_name="Hamid Shah")
    assert "1 remedy/action(s) and 1 update(s) to the resident due or overdue" in hamid.subject
    assert "Overdue by 2 working days: An apology for the wait." in hamid.text
    assert (
        f"Update overdue by 1 working day: {complaint.reference} (Rosa Bell), stage 1, "
        "due 9 March 2026" in hamid.text
    )
    event = CaseEvent.objects.get(complaint=complaint, code=REMINDED)
    assert [(i["kind"], i["status"]) for i in event.data["items"]] == [
        ("remedy", "Overdue by 2 working days"),
        ("update", "Overdue by 1 working day"),
    ]
    assert "1 update(s) to the resident" in event.summary
    # Sent, the update is no longer owed: tomorrow's digest has nothing for Hamid.
    services.stage_update_send(
        stage=stage_of(complaint), progress="The roofer came.", actor=handler
    )
    complaint.remedies.update(completed_on=TUESDAY)
    assert followups_daily_review(today=date(2026, 3, 11)).digests == 0


def test_the_digest_owes_the_updates_the_queue_tab_and_dashboard_show_one_truth(
    open_complaint, handler, officer, time_machine
):
    """The digest, the queue's "Updates due to residents" tab and the dashboard's count read
    one stored date, the complaint's: a stage row that disagrees (here set by a direct UPDATE)
    moves none of them."""
    from putright.complaints.models import Complaint, Stage
    from putright.complaints.selectors import (
        QueueAttention,
        QueueFilters,
        needs_attention_counts,
        work_queue,
    )
    from putright.complaints.services.followups import _updates_due
    from putright.complaints.tests.stories import acknowledged, received

    # Extended on Monday 2 March with updates every 5 working days: each owed by 9 March.
    owed = extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
    stage_says_none = extended(
        acknowledged(received(resident=owed.resident, actor=handler), actor=handler),
        actor=handler,
        new_due=date(2026, 3, 30),
    )
    only_stage_says = acknowledged(received(resident=owed.resident, actor=handler), actor=handler)
    Stage.objects.filter(complaint=stage_says_none).update(update_due=None)
    Stage.objects.filter(complaint=only_stage_says).update(update_due=date(2026, 3, 9))
    travel(time_machine, TUESDAY)

    digest = {u.complaint.reference: u.complaint.update_due for u in _updates_due(TUESDAY)}
    tab = work_queue(
        user=officer,
        filters=QueueFilters(attention=QueueAttention.UPDATE_DUE),
        today=TUESDAY,
    )
    assert set(digest) == {c.reference for c in tab} == {owed.reference, stage_says_none.reference}
    assert needs_attention_counts(today=TUESDAY)["updates_due"] == len(digest)
    assert (
        set(digest.values())
        == set(Complaint.objects.filter(reference__in=digest).values_list("update_due", flat=True))
        == {date(2026, 3, 9)}
    )
