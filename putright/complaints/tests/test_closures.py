"""Closure days entered after a deadline was set move the open deadlines, on the record."""

from datetime import date, timedelta

import pytest

from putright.complaints.models import DeadlineRecount, NonWorkingDay
from putright.complaints.services import closures
from putright.complaints.tests.stories import (
    acknowledged,
    extended,
    last_event,
    received,
    reload,
    stage_of,
)
from putright.core.errors import InvalidInput

pytestmark = pytest.mark.usefixtures("monday")


def test_a_closure_added_later_moves_an_open_acknowledgement_deadline(resident, handler):
    complaint = received(resident=resident, actor=handler)
    assert stage_of(complaint).ack_due == date(2026, 3, 9)

    closures.closure_add(day=date(2026, 3, 4), reason="Staff training day", actor=handler)

    complaint = reload(complaint)
    assert stage_of(complaint).ack_due == date(2026, 3, 10)
    assert complaint.next_due == date(2026, 3, 10)
    event = last_event(complaint)
    assert event.code == "stage.deadline_moved"
    assert event.data["ack_due"] == {"from": "2026-03-09", "to": "2026-03-10"}


def test_removing_a_closure_moves_the_response_deadline_back(resident, handler):
    closures.closure_add(day=date(2026, 3, 4), reason="Staff training day", actor=handler)
    complaint = acknowledged(received(resident=resident, actor=handler), actor=handler)
    assert stage_of(complaint).response_due == date(2026, 3, 17)

    closures.closure_remove(closure=NonWorkingDay.objects.get(), actor=handler)

    stage = stage_of(reload(complaint))
    assert stage.response_due == stage.response_due_original == date(2026, 3, 16)


def test_an_extended_date_agreed_with_the_resident_does_not_move(resident, handler):
    complaint = extended(
        acknowledged(received(resident=resident, actor=handler), actor=handler),
        actor=handler,
        new_due=date(2026, 3, 20),
    )
    before = stage_of(complaint).response_due

    closures.closure_add(day=date(2026, 3, 5), reason="Office move", actor=handler)

    assert stage_of(reload(complaint)).response_due == before


def test_a_closure_needs_a_reason_and_a_new_day(handler):
    with pytest.raises(InvalidInput, match=closures.CLOSURE_NEEDS_REASON):
        closures.closure_add(day=date(2026, 3, 4), reason=" ", actor=handler)
    closures.closure_add(day=date(2026, 3, 4), reason="Training", actor=handler)
    with pytest.raises(InvalidInput, match=closures.CLOSURE_EXISTS):
        closures.closure_add(day=date(2026, 3, 4), reason="Again", actor=handler)
    assert NonWorkingDay.objects.count() == 1


def test_a_closure_added_in_the_admin_moves_deadlines_too(client, resident, handler):
    from putright.accounts import factories

    client.force_login(factories.administrator(username="root"))
    complaint = received(resident=resident, actor=handler)

    response = client.post(
        "/admin/complaints/nonworkingday/add/", {"day": "2026-03-04", "reason": "Training"}
    )

    assert response.status_code == 302
    assert stage_of(reload(complaint)).ack_due == date(2026, 3, 10)


# --- A closure at scale: the first batch at once, the rest after the commit -------------------


def _moved_events(complaint):
    return complaint.events.filter(code="stage.deadline_moved")


@pytest.fixture
def batches_of_two(monkeypatch):
    """A recount moves 500 stages a transaction in the product; two here."""
    monkeypatch.setattr(closures, "RECOUNT_BATCH", 2)


def _five_open(handler):
    from putright.people.factories import ResidentFactory

    return [received(resident=ResidentFactory(), actor=handler) for _ in range(5)]


def test_a_big_recount_moves_a_batch_at_once_and_the_rest_once_committed(
    handler, batches_of_two, django_capture_on_commit_callbacks
):
    """At a million complaints a closure can move 260,000 open deadlines: saving it must not
    hold them all in one request (the web worker's timeout would roll it back, and on SQLite
    every other writer waits). The task queued on commit moves the rest."""
    cases = _five_open(handler)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        closures.closure_add(day=date(2026, 3, 4), reason="Staff training day", actor=handler)
    recount = DeadlineRecount.objects.get()
    assert recount.moved == 2
    assert recount.finished_at is None
    assert [stage_of(reload(c)).ack_due for c in cases] == [date(2026, 3, 10)] * 2 + [
        date(2026, 3, 9)
    ] * 3

    for callback in queued:  # the commit: the task runs (inline in tests)
        callback()

    recount.refresh_from_db()
    assert recount.moved == 5
    assert recount.finished_at is not None
    for case in cases:
        assert stage_of(reload(case)).ack_due == date(2026, 3, 10)
        assert _moved_events(case).count() == 1


def test_a_recount_stopped_part_way_is_finished_by_the_scheduler_each_case_once(
    handler, batches_of_two, django_capture_on_commit_callbacks, monkeypatch
):
    """A worker killed mid-batch loses that batch whole (deadlines and events together); the
    scheduler's job finds the recount idle for five minutes and finishes it, each case moved
    and recorded once."""
    from django.utils import timezone

    from putright.complaints import jobs
    from putright.complaints.services import common

    cases = _five_open(handler)
    with django_capture_on_commit_callbacks(execute=False):  # the queued task is lost
        closures.closure_add(day=date(2026, 3, 4), reason="Staff training day", actor=handler)

    calls = []

    def killed_on_the_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt("worker stopped")
        return common.record_event(*args, **kwargs)

    monkeypatch.setattr(closures, "record_event", killed_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        closures.recount_run()
    monkeypatch.undo()
    recount = DeadlineRecount.objects.get()
    assert (recount.moved, recount.after_stage) == (2, stage_of(cases[1]).pk)
    assert stage_of(reload(cases[2])).ack_due == date(2026, 3, 9)  # the batch rolled back whole

    assert jobs.resume_deadline_recounts() == "0 case(s) moved."  # not idle long enough yet
    DeadlineRecount.objects.update(progressed_at=timezone.now() - timedelta(minutes=6))
    assert jobs.resume_deadline_recounts() == "3 case(s) moved."

    assert closures.recount_run() == 0
    for case in cases:
        assert stage_of(reload(case)).ack_due == date(2026, 3, 10)
        assert _moved_events(case).count() == 1


def test_a_case_moved_while_two_closures_are_being_recounted_names_both(
    handler, batches_of_two, django_capture_on_commit_callbacks
):
    """The clock reads every standing closure, so a case the first recount reaches after a
    second closure was saved moves by both: its record says so."""
    cases = _five_open(handler)
    with django_capture_on_commit_callbacks(execute=False):
        closures.closure_add(day=date(2026, 3, 4), reason="Staff training day", actor=handler)
        closures.closure_add(day=date(2026, 3, 5), reason="Office move", actor=handler)

    closures.recount_run()

    last = last_event(reload(cases[4]))
    assert last.code == "stage.deadline_moved"
    assert "Staff training day" in last.summary
    assert "Office move" in last.summary
    assert last.data["ack_due"] == {"from": "2026-03-09", "to": "2026-03-11"}
    assert _moved_events(cases[4]).count() == 1
    assert stage_of(reload(cases[0])).ack_due == date(2026, 3, 11)


def test_the_admin_shows_a_recount_in_progress(client, handler, batches_of_two):
    from putright.accounts import factories

    client.force_login(factories.administrator(username="root"))
    _five_open(handler)

    response = client.post(
        "/admin/complaints/nonworkingday/add/",
        {"day": "2026-03-04", "reason": "Training"},
        follow=True,
    )

    assert "the rest are being moved in the background" in response.content.decode()
    assert "2 so far (in progress since 02 Mar 10:00)" in response.content.decode()
    # Its start, not its latest batch: a recount that stalled is seen by how long it has run.
    recount = DeadlineRecount.objects.get()
    DeadlineRecount.objects.filter(pk=recount.pk).update(
        progressed_at=recount.started_at + timedelta(hours=3)
    )
    listing = client.get("/admin/complaints/nonworkingday/").content.decode()
    assert "2 so far (in progress since 02 Mar 10:00)" in listing
    closures.recount_run()
    listing = client.get("/admin/complaints/nonworkingday/").content.decode()
    assert "in progress" not in listing
