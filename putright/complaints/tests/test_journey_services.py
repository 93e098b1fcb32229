"""Rosa's complaint from the phone call to closure, through both stages."""

from datetime import date

from putright.complaints import services
from putright.complaints.models import Remedy
from putright.complaints.tests.stories import (
    apology,
    compensation,
    event_codes,
    received,
    reload,
    response_input,
    roof_repair,
    stage_of,
    travel,
)
from putright.rules.workflow import State


def test_a_complaint_goes_from_receipt_through_both_stages_to_closure(
    time_machine, resident, category, handler, second_handler, officer
):
    travel(time_machine, date(2026, 3, 2))
    complaint = received(resident=resident, actor=handler, category=category)
    services.stage_acknowledge(
        stage=stage_of(complaint),
        points=["The leak has not been repaired.", "Nobody called back."],
        outcomes_sought="Fix the leak; compensation.",
        responsible_for="The roof and the repairs service.",
        actor=handler,
    )

    travel(time_machine, date(2026, 3, 9))
    services.stage_extend(
        stage=stage_of(complaint),
        new_due=date(2026, 3, 23),
        reason="Waiting for the roofer's report.",
        resident_informed_on=date(2026, 3, 9),
        update_interval_days=5,
        actor=handler,
    )

    travel(time_machine, date(2026, 3, 20))
    services.stage_respond(
        stage=stage_of(complaint),
        data=response_input(
            complaint,
            remedies=[compensation("150.00", due_on=date(2026, 4, 17))],
            actions=[roof_repair(due_on=date(2026, 4, 3))],
        ),
        actor=handler,
    )
    assert reload(complaint).status == State.STAGE1_RESPONDED

    travel(time_machine, date(2026, 3, 23))
    services.complaint_escalate(complaint=reload(complaint), actor=None, actor_label="Rosa Bell")
    services.stage_assign(
        conflict="none", stage=stage_of(complaint), handler=second_handler, actor=officer
    )

    travel(time_machine, date(2026, 3, 24))
    services.stage_acknowledge(
        stage=stage_of(complaint),
        points=[],
        outcomes_sought="A higher award.",
        responsible_for="The compensation offered at stage 1.",
        actor=second_handler,
    )
    assert stage_of(complaint, 2).response_due == date(2026, 4, 23)  # 20 WD, over Easter

    travel(time_machine, date(2026, 4, 15))
    services.stage_respond(
        stage=stage_of(complaint),
        data=response_input(complaint, remedies=[apology(due_on=date(2026, 4, 22))]),
        actor=second_handler,
    )

    travel(time_machine, date(2026, 4, 16))
    services.remedy_complete(
        remedy=Remedy.objects.get(remedy_type="financial"), actor=officer, note="Paid by BACS."
    )

    travel(time_machine, date(2026, 4, 17))
    services.complaint_close(
        complaint=reload(complaint), reason="Final response sent.", actor=officer
    )

    complaint = reload(complaint)
    assert complaint.status == State.CLOSED
    assert complaint.closed_on == date(2026, 4, 17)
    assert stage_of(complaint, 1).handler == handler
    assert stage_of(complaint, 2).handler == second_handler
    assert event_codes(complaint) == [
        "complaint.received",
        "stage.acknowledged",
        "stage.extended",
        "stage.responded",
        "complaint.escalated",
        "stage.assigned",
        "stage.acknowledged",
        "stage.responded",
        "remedy.completed",
        "complaint.closed",
    ]
    assert complaint.events.get(code="complaint.closed").data["open_follow_ups"] == 2
