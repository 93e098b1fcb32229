"""Closure days entered after a deadline was set move the open deadlines, on the record."""

from datetime import date

import pytest

from putright.complaints.models import NonWorkingDay
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
