"""An imported complaint and the same complaint handled day by day in PutRight are the same:
the same deadlines, the same met-or-missed, the same statuses and dated record."""

from datetime import date

from putright.complaints import services
from putright.complaints.calendar import landlord_history
from putright.complaints.deadlines import stage_clocks
from putright.complaints.models import Complaint
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    received,
    reload,
    responded,
    stage_of,
    travel,
)
from putright.imports.services import import_complaints
from putright.imports.tests.conftest import TODAY
from putright.imports.tests.sheets import csv_bytes, row
from putright.people.factories import ResidentFactory
from putright.rules.clocks import ClockStatus, Timeliness
from putright.rules.profile import get_profile

# Received Friday 2 May 2025 (Monday 5 May and 26 May are bank holidays). Acknowledged a day
# late, extended within the cap, answered after the extended date; stage 2 on time.
RECEIVED = date(2025, 5, 2)
ACKNOWLEDGED = date(2025, 5, 13)
EXTENDED_ON = date(2025, 5, 27)
EXTENDED_TO = date(2025, 6, 4)
RESPONDED = date(2025, 6, 5)
ESCALATED = date(2025, 6, 9)
ACKNOWLEDGED_2 = date(2025, 6, 13)
RESPONDED_2 = date(2025, 7, 11)
CLOSED = date(2025, 7, 14)


def handled_natively(time_machine, hamid, hannah) -> Complaint:
    """Each step done on its own day, with no dates passed: how PutRight is used live."""
    travel(time_machine, RECEIVED)
    complaint = received(resident=ResidentFactory(), actor=hamid, description="Leak")
    travel(time_machine, ACKNOWLEDGED)
    complaint = acknowledged(complaint, actor=hamid, points=["Leak"], handler=hamid)
    travel(time_machine, EXTENDED_ON)
    services.stage_extend(
        stage=stage_of(complaint),
        new_due=EXTENDED_TO,
        reason="Survey",
        resident_informed_on=EXTENDED_ON,
        update_interval_days=5,
        actor=hamid,
    )
    travel(time_machine, RESPONDED)
    complaint = responded(complaint, actor=hamid, remedies=[], no_remedy_reason="None due")
    travel(time_machine, ESCALATED)
    complaint = escalated(complaint, actor=hamid)
    travel(time_machine, ACKNOWLEDGED_2)
    complaint = acknowledged(complaint, actor=hannah, handler=hannah)
    travel(time_machine, RESPONDED_2)
    complaint = responded(complaint, actor=hannah, remedies=[], no_remedy_reason="None due")
    travel(time_machine, CLOSED)
    services.complaint_close(complaint=complaint, reason="Done", actor=hannah)
    travel(time_machine, TODAY)
    return reload(complaint)


def imported() -> Complaint:
    sheet = row(
        received_on=RECEIVED,
        s1_acknowledged_on=ACKNOWLEDGED,
        s1_points="Leak",
        s1_extended_to=EXTENDED_TO,
        s1_extension_reason="Survey",
        s1_extended_on=EXTENDED_ON,
        s1_resident_told_on=EXTENDED_ON,
        s1_responded_on=RESPONDED,
        s1_decision="upheld",
        s1_remedies="",
        s2_requested_on=ESCALATED,
        s2_acknowledged_on=ACKNOWLEDGED_2,
        s2_handler="hannah",
        s2_responded_on=RESPONDED_2,
        s2_decision="upheld",
        closed_on=CLOSED,
    )
    report = import_complaints(data=csv_bytes(sheet), file_name="history.csv")
    assert report.issues == []
    return Complaint.objects.get(imported_from__legacy_reference="OLD-1001")


def facts(complaint: Complaint) -> dict:
    """Everything the Code's rules compute for a complaint, as reports and pages read it."""
    calendar, profile = landlord_history(), get_profile(complaint.profile_code)
    stages = []
    for stage in complaint.stages.order_by("number"):
        clocks = stage_clocks(
            stage, state=complaint.state, on=TODAY, history=calendar, profile=profile
        )
        extension = stage.extensions.values(
            "previous_due", "new_due", "working_days", "beyond_cap", "resident_informed_on"
        )
        stages.append(
            {
                "fields": {
                    f: getattr(stage, f)
                    for f in (
                        "requested_on",
                        "ack_due",
                        "acknowledged_on",
                        "response_due_original",
                        "response_due",
                        "responded_on",
                        "handler_id",
                    )
                },
                "acknowledgement": clocks.acknowledgement,
                "response": clocks.response,
                "extended": clocks.extended,
                "extensions": list(extension),
                "response_issued_on": stage.response.issued_on,
                "response_author": stage.response.author_id,
            }
        )
    record = [
        (e.code, e.happened_on, e.data.get("on_time"))
        for e in complaint.events.exclude(code="import.row").order_by("id")
    ]
    return {
        "complaint": {
            f: getattr(complaint, f)
            for f in (
                "status",
                "current_stage",
                "next_due",
                "closed_on",
                "received_on",
                "channel",
                "handler_id",
            )
        },
        "points": list(complaint.points.values_list("number", "added_on", "added_at_stage")),
        "stages": stages,
        "record": record,
    }


def test_imported_history_has_the_same_deadlines_and_timeliness_as_native_handling(
    time_machine, handler, second_handler
):
    native = facts(handled_natively(time_machine, handler, second_handler))
    history = facts(imported())
    assert history == native
    # And the story is the one intended, so the equality is not between two wrong answers.
    stage1, stage2 = native["stages"]
    assert stage1["acknowledgement"].due == date(2025, 5, 12)
    assert stage1["acknowledgement"].status == ClockStatus.MISSED
    assert stage1["response"].original_due == date(2025, 5, 28)
    assert stage1["response"].due == EXTENDED_TO
    assert (stage1["response"].status, stage1["response"].timeliness) == (
        ClockStatus.MISSED,
        Timeliness.LATE,
    )
    assert stage2["acknowledgement"].status == ClockStatus.MET
    assert (stage2["response"].due, stage2["response"].timeliness) == (
        date(2025, 7, 11),
        Timeliness.ORIGINAL,
    )
