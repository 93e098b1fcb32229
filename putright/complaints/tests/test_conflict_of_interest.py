"""A handler declares any conflict of interest when assigned (Code 5.8c, policy 6.2): a
declared conflict blocks the assignment unless a complaints officer overrides it with a
reason, and the case record keeps the declaration (issue 18)."""

import pytest

from putright.complaints import services
from putright.complaints.models import Conflict
from putright.complaints.services.stages import (
    CONFLICT_BLOCKS,
    CONFLICT_NEEDS_DETAIL,
    CONFLICT_NOT_DECLARED,
    CONFLICT_OVERRIDE_OFFICER,
)
from putright.complaints.tests.stories import last_event, reload, stage_of
from putright.core.errors import InvalidInput, RuleBroken

pytestmark = pytest.mark.django_db

NEIGHBOUR = "Hannah lives next door to the resident and has argued with her about the fence."
OVERRIDE = "Only Hannah covers the north patch this month; Olivia will review her response."


def assign(complaint, actor, handler, **declaration):
    return services.stage_assign(
        stage=stage_of(complaint), handler=handler, actor=actor, **declaration
    )


def test_an_assignment_needs_the_handlers_declaration(complaint, officer, second_handler):
    with pytest.raises(InvalidInput) as refused:
        assign(complaint, officer, second_handler)
    assert (refused.value.field, refused.value.message) == ("conflict", CONFLICT_NOT_DECLARED)
    assert reload(complaint).handler != second_handler


def test_no_conflict_is_recorded_with_the_assignment(complaint, officer, second_handler):
    assign(complaint, officer, second_handler, conflict=Conflict.NONE)
    stage = stage_of(complaint)
    assert (stage.handler, stage.conflict) == (second_handler, "none")
    assert last_event(complaint).data["conflict"] == "none"


def test_a_declared_conflict_must_say_what_it_is(complaint, officer, second_handler):
    with pytest.raises(InvalidInput) as refused:
        assign(complaint, officer, second_handler, conflict=Conflict.DECLARED)
    assert (refused.value.field, refused.value.message) == (
        "conflict_detail",
        CONFLICT_NEEDS_DETAIL,
    )


def test_a_declared_conflict_blocks_the_assignment(complaint, officer, second_handler):
    before = stage_of(complaint).handler
    with pytest.raises(RuleBroken) as refused:
        assign(
            complaint,
            officer,
            second_handler,
            conflict=Conflict.DECLARED,
            conflict_detail=NEIGHBOUR,
        )
    assert refused.value.message == CONFLICT_BLOCKS
    assert refused.value.field == "conflict_override_reason"
    assert stage_of(complaint).handler == before
    assert last_event(complaint).code != "stage.assigned"


def test_an_officer_can_override_a_conflict_with_a_reason_and_the_record_keeps_it(
    complaint, officer, second_handler
):
    assign(
        complaint,
        officer,
        second_handler,
        conflict=Conflict.DECLARED,
        conflict_detail=NEIGHBOUR,
        conflict_override_reason=OVERRIDE,
    )
    stage = stage_of(complaint)
    assert stage.handler == second_handler
    assert (stage.conflict_detail, stage.conflict_override_reason) == (NEIGHBOUR, OVERRIDE)
    event = last_event(complaint)
    assert event.code == "stage.assigned"
    assert "conflict of interest declared" in event.summary
    assert event.data["conflict_detail"] == NEIGHBOUR
    assert event.data["conflict_override_reason"] == OVERRIDE


def test_only_an_officer_can_override_a_conflict(complaint, handler, second_handler):
    with pytest.raises(RuleBroken) as refused:
        assign(
            complaint,
            handler,
            second_handler,
            conflict=Conflict.DECLARED,
            conflict_detail=NEIGHBOUR,
            conflict_override_reason=OVERRIDE,
        )
    assert refused.value.message == CONFLICT_OVERRIDE_OFFICER


def test_the_assign_form_shows_the_block_on_the_override_field(
    client, officer, complaint, second_handler
):
    client.force_login(officer)
    response = client.post(
        f"/complaints/{complaint.reference}/assign/",
        {"handler": second_handler.pk, "conflict": "declared", "conflict_detail": NEIGHBOUR},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["conflict_override_reason"] == [CONFLICT_BLOCKS]


def test_the_case_page_shows_the_declaration(client, officer, complaint, second_handler):
    assign(
        complaint,
        officer,
        second_handler,
        conflict=Conflict.DECLARED,
        conflict_detail=NEIGHBOUR,
        conflict_override_reason=OVERRIDE,
    )
    client.force_login(officer)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "conflict of interest declared" in page
    assert "argued with her about the fence" in page
