"""Each step on a hazard report: what it records, and the bad input it refuses."""

from datetime import date, timedelta

import pytest

from putright.complaints.models import CaseEvent
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.hazards import services
from putright.hazards.models import HazardReport, HazardStep
from putright.hazards.selectors import clocks_for
from putright.hazards.tests.stories import investigated, london, raised
from putright.rules.hazards import ClockKey, ClockStatus


def clock(report, key):
    return {c.key: c for c in clocks_for(report)}[key]


def test_raising_from_a_complaint_starts_the_clocks_and_writes_the_case_record(complaint, handler):
    report = raised(actor=handler, complaint=complaint)
    assert report.resident == complaint.resident
    # Aware Mon 2 Mar 2026: ten working days later is Mon 16 Mar.
    investigation = clock(report, ClockKey.INVESTIGATION)
    assert investigation.due_on == date(2026, 3, 16)
    assert investigation.words == "10 working days left."
    event = CaseEvent.objects.get(complaint=complaint, code="hazard.raised")
    assert event.data["hazard_report"] == report.pk
    assert event.actor == handler
    assert list(report.steps.values_list("kind", flat=True)) == ["raised"]


def test_a_future_awareness_is_refused_and_nothing_is_written(complaint, handler):
    with pytest.raises(InvalidInput) as error:
        raised(actor=handler, complaint=complaint, aware_at=london(2026, 3, 3, 9))
    assert error.value.field == "aware_at"
    assert error.value.message == services.AWARE_IN_FUTURE
    assert not HazardReport.objects.exists()
    assert not CaseEvent.objects.filter(code__startswith="hazard.").exists()


def test_a_report_without_a_complaint_needs_a_home(monday, handler):
    with pytest.raises(InvalidInput) as error:
        raised(actor=handler, address="  ")
    assert error.value.message == services.NEEDS_HOME
    report = raised(actor=handler, address="4 Mill Lane")
    assert report.complaint is None
    assert report.steps.count() == 1


def test_unknown_hazard_is_refused(monday, handler):
    with pytest.raises(InvalidInput) as error:
        raised(actor=handler, hazard="ghosts")
    assert error.value.field == "hazard"


def test_investigation_cannot_predate_awareness_or_be_recorded_twice(complaint, handler):
    report = raised(actor=handler, complaint=complaint)
    with pytest.raises(InvalidInput) as error:
        investigated(report, actor=handler, concluded_at=report.aware_at - timedelta(minutes=1))
    assert error.value.message == services.BEFORE_AWARE
    assert HazardReport.objects.get().investigation_concluded_at is None
    investigated(report, actor=handler)
    with pytest.raises(AlreadyDone):
        investigated(report, actor=handler)
    assert HazardStep.objects.filter(kind="investigation").count() == 1


def test_summary_needs_the_investigation_first(complaint, handler):
    report = raised(actor=handler, complaint=complaint)
    with pytest.raises(RuleBroken) as error:
        services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    assert error.value.message == services.NOT_INVESTIGATED


def test_summary_event_carries_the_findings_and_the_work_timescales(complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    event = CaseEvent.objects.get(code="hazard.summary_sent")
    assert event.data["findings"] == "Condensation mould from a failed extractor fan."
    assert event.data["hazard_found"] is True
    # Investigation concluded Mon 2 Mar: safety work by Mon 9 Mar (5 working days).
    assert event.data["work"][0]["due_on"] == "2026-03-09"
    assert clock(HazardReport.objects.get(), ClockKey.SUMMARY).status == ClockStatus.MET


def test_no_safety_work_when_no_hazard_was_found(complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler, found=False)
    with pytest.raises(RuleBroken) as error:
        services.hazard_safety_work_record(
            report=report, done_at=london(2026, 3, 2, 9, 30), detail="Fan", actor=handler
        )
    assert error.value.message == services.NO_HAZARD_FOUND


def test_safety_work_done_meets_its_clock(complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    services.hazard_safety_work_record(
        report=report,
        done_at=london(2026, 3, 2, 9, 45),
        detail="Mould wash, fan fixed",
        actor=handler,
    )
    assert clock(HazardReport.objects.get(), ClockKey.SAFETY_WORK).status == ClockStatus.MET


def test_consent_refused_needs_the_steps_taken_then_stops_the_work_clocks(complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    with pytest.raises(InvalidInput) as error:
        services.hazard_clock_stop(
            report=report,
            reason="consent_refused",
            at=london(2026, 3, 2, 9, 50),
            steps="",
            actor=handler,
        )
    assert error.value.field == "steps"
    assert HazardReport.objects.get().consent_refused_at is None
    services.hazard_clock_stop(
        report=report,
        reason="consent_refused",
        at=london(2026, 3, 2, 9, 50),
        steps="Three letters and two visits; the leaseholder above refused access.",
        actor=handler,
    )
    report = HazardReport.objects.get()
    assert clock(report, ClockKey.SAFETY_WORK).status == ClockStatus.STOPPED
    assert clock(report, ClockKey.SUMMARY).status == ClockStatus.ON_TRACK
    assert CaseEvent.objects.filter(code="hazard.clock_stopped").count() == 1


def test_accepted_alternative_accommodation_is_a_decant_that_stops_the_emergency_clock(
    complaint, handler
):
    report = raised(actor=handler, complaint=complaint, hazard="electrical", assessment="emergency")
    services.hazard_accommodation_record(
        report=report, outcome="accepted", at=london(2026, 3, 2, 9, 30), actor=handler
    )
    report = HazardReport.objects.get()
    assert report.decanted_at == london(2026, 3, 2, 9, 30)
    assert clock(report, ClockKey.EMERGENCY_SAFETY).status == ClockStatus.STOPPED


def test_further_work_cannot_start_before_it_began(complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    with pytest.raises(InvalidInput):
        services.hazard_further_work_record(
            report=report, begun_on=None, started_on=None, detail="x", actor=handler
        )
    services.hazard_further_work_record(
        report=report, begun_on=date(2026, 3, 2), detail="New extractor fans ordered", actor=handler
    )
    assert clock(HazardReport.objects.get(), ClockKey.FURTHER_WORK_BEGIN).status == ClockStatus.MET


def test_a_closure_added_later_does_not_move_a_settled_hazard_clock(monday, handler, time_machine):
    """Investigated Monday 2 March 2026; the summary was due 3 working days later, Thursday 5
    March, and went that day. On 10 March the landlord records a closure on Tuesday 3 March:
    the settled summary clock keeps Thursday 5 March (the calendar as it stood on the 5th)."""
    from putright.complaints.services.closures import closure_add
    from putright.complaints.tests.stories import travel

    report = investigated(raised(actor=handler), actor=handler, found=False)
    travel(time_machine, london(2026, 3, 5, 12))
    services.hazard_summary_record(report=report, sent_on=date(2026, 3, 5), actor=handler)
    travel(time_machine, london(2026, 3, 10, 9))
    closure_add(day=date(2026, 3, 3), reason="Office flood", actor=handler)
    summary = clock(report, ClockKey.SUMMARY)
    assert summary.due_on == date(2026, 3, 5)
    assert summary.status == ClockStatus.MET


def test_an_emergency_not_made_safe_in_time_owes_accommodation_until_it_is_offered(
    complaint, handler
):
    """A gas leak the landlord heard of on Friday 27 February 2026 at 09:00: by Monday 2 March
    it was not made safe within 24 hours, so alternative accommodation is owed (overdue since
    Saturday 09:00) until it is offered; the offer is recorded and the duty is met."""
    report = raised(
        actor=handler,
        complaint=complaint,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 2, 27, 9),
    )
    owed = clock(report, ClockKey.ALTERNATIVE_ACCOMMODATION)
    assert owed.status == ClockStatus.OVERDUE
    assert owed.due_at == london(2026, 2, 28, 9)
    services.hazard_accommodation_record(
        report=report, outcome="offered", at=london(2026, 3, 2, 9), actor=handler
    )
    report.refresh_from_db()
    assert clock(report, ClockKey.ALTERNATIVE_ACCOMMODATION).status == ClockStatus.MET
    # The safety work itself is still overdue: the report stays in the overdue lists.
    assert report.next_due_at == london(2026, 2, 28, 9)


def test_a_further_investigation_clearing_the_hazard_stops_the_work_clocks(complaint, handler):
    """Aware Monday 2 March 2026 09:00, investigated 10:00: a hazard (safety work due Monday 9
    March); a further investigation, also by 10:00, found none: recorded as a stop fact, once."""
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    services.hazard_clock_stop(
        report=report, reason="cleared", at=london(2026, 3, 2, 10), steps="", actor=handler
    )
    report.refresh_from_db()
    safety = clock(report, ClockKey.SAFETY_WORK)
    assert safety.status == ClockStatus.STOPPED
    assert "further investigation" in safety.words
    assert CaseEvent.objects.filter(complaint=complaint, code="hazard.clock_stopped").count() == 1
    with pytest.raises(AlreadyDone):
        services.hazard_clock_stop(
            report=report, reason="cleared", at=london(2026, 3, 2, 10), steps="", actor=handler
        )


def test_an_assessment_the_regulations_do_not_allow_is_refused_and_nothing_is_written(
    complaint, handler
):
    """On Monday 2 March 2026 phase 1 is in force: excess cold cannot be a significant hazard
    (only damp and mould); it can be an emergency."""
    with pytest.raises(InvalidInput) as error:
        raised(actor=handler, complaint=complaint, hazard="excess_cold")
    assert error.value.field == "assessment"
    assert "only damp and mould growth" in error.value.message
    assert not HazardReport.objects.exists()
    assert raised(actor=handler, complaint=complaint, hazard="excess_cold", assessment="emergency")
