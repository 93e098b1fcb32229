"""Open Awaab's Law hazard cases in the history import (the optional ``Hazards`` sheet)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from putright.hazards.models import HazardReport, HazardStep
from putright.hazards.selectors import clocks_for
from putright.imports.models import ImportedComplaint
from putright.imports.services import ImportRefused, import_complaints
from putright.imports.tests.sheets import row, xlsx_bytes
from putright.letters.models import Letter
from putright.rules.hazards import ClockKey, ClockStatus

LONDON = ZoneInfo("Europe/London")

# Aware Monday 16 February 2026, 09:30; investigated Friday 20 February: a hazard, with further
# work. Today is Monday 2 March 2026 and no written summary is recorded: it was due 3 working
# days after the investigation (Mon 23, Tue 24, Wed 25 February), so it is overdue.
HAZARD = {
    "hazard_reference": "HZ-7",
    "legacy_reference": "OLD-1001",
    "aware_at": "2026-02-16 09:30",
    "told_by": "Rosa Bell, by phone",
    "hazard": "Damp and mould growth",
    "assessment": "significant",
    "description": "Black mould in the bedroom.",
    "vulnerabilities": "Child with asthma",
    "investigator": "Dev Patel, damp surveyor",
    "investigation_concluded_at": "2026-02-20 11:00",
    "findings": "Failed extractor fan.",
    "hazard_found": "yes",
    "further_work_needed": "yes",
}


def _import(*hazards, **options):
    data = xlsx_bytes(row(), hazards=list(hazards))
    return import_complaints(data=data, file_name="history.xlsx", **options)


def test_an_open_hazard_case_is_replayed_through_the_services():
    report = _import(HAZARD)
    assert report.hazards == 1
    hazard = HazardReport.objects.get()
    assert hazard.complaint == ImportedComplaint.objects.get(legacy_reference="OLD-1001").complaint
    assert hazard.source_ref == "import:HZ-7"
    assert hazard.aware_at == datetime(2026, 2, 16, 9, 30, tzinfo=LONDON)
    assert hazard.hazard == "damp_mould"
    assert hazard.hazard_found is True
    assert list(hazard.steps.values_list("kind", flat=True)) == ["raised", "investigation"]
    clocks = {c.key: c for c in clocks_for(hazard)}
    assert clocks[ClockKey.INVESTIGATION].status == ClockStatus.MET
    assert clocks[ClockKey.SUMMARY].due_on == date(2026, 2, 25)
    assert clocks[ClockKey.SUMMARY].status == ClockStatus.OVERDUE
    assert hazard.next_due_at is not None  # on the queue's hazard filter
    codes = list(hazard.complaint.events.values_list("code", flat=True))
    assert "hazard.raised" in codes
    assert "hazard.investigated" in codes


def test_the_same_file_again_changes_nothing_and_a_later_step_is_added():
    _import(HAZARD)
    steps = HazardStep.objects.count()
    again = _import(HAZARD)
    assert again.hazards == 0
    assert HazardStep.objects.count() == steps
    assert HazardReport.objects.count() == 1
    corrected = _import({**HAZARD, "summary_sent_on": "2026-02-24"})
    assert corrected.hazards == 1
    hazard = HazardReport.objects.get()
    assert hazard.summary_sent_on == date(2026, 2, 24)
    summary = {c.key: c for c in clocks_for(hazard)}[ClockKey.SUMMARY]
    assert summary.status == ClockStatus.MET
    # History is not news: no summary letter goes out for it.
    assert not Letter.objects.exists()


def test_a_hazard_case_with_no_complaint_is_linked_to_the_imported_resident():
    _import({**HAZARD, "hazard_reference": "HZ-8", "legacy_reference": "", "resident_id": "T-0042"})
    hazard = HazardReport.objects.get()
    assert hazard.complaint is None
    assert hazard.resident.full_name == "Rosa Bell"
    assert hazard.source == "other"


def test_hazard_rows_are_checked_before_anything_is_written():
    bad = {
        **HAZARD,
        "hazard": "Gremlins",
        "investigation_concluded_at": "",
        "summary_sent_on": "2026-02-24",
    }
    with pytest.raises(ImportRefused) as refused:
        _import(bad)
    found = {(i.sheet, i.row, i.column) for i in refused.value.report.issues}
    assert found == {("Hazards", 2, "hazard"), ("Hazards", 2, "summary_sent_on")}
    assert not HazardReport.objects.exists()
    assert not ImportedComplaint.objects.exists()


def test_an_imported_case_carries_its_accommodation_offer_and_its_clock_stop():
    """The case above, its safety work due Friday 27 February (5 working days after Friday 20
    February) and not done: accommodation was offered on Thursday 26 February, and consent to
    the work was refused on Wednesday 25 February after three visits. The safety and further
    work clocks stop; the accommodation offer is on the report; the same file again adds
    nothing."""
    stopped = {
        **HAZARD,
        "accommodation": "offered",
        "accommodation_at": "2026-02-26 10:00",
        "stopped": "consent_refused",
        "stopped_at": "2026-02-25 15:00",
        "consent_steps": "Three visits and two letters; the resident declined each time.",
    }
    assert _import(stopped).hazards == 1
    hazard = HazardReport.objects.get()
    assert hazard.accommodation == "offered"
    assert hazard.consent_refused_at == datetime(2026, 2, 25, 15, tzinfo=LONDON)
    clocks = {c.key: c for c in clocks_for(hazard)}
    assert clocks[ClockKey.SAFETY_WORK].status == ClockStatus.STOPPED
    assert clocks[ClockKey.FURTHER_WORK_START].status == ClockStatus.STOPPED
    steps = HazardStep.objects.count()
    assert _import(stopped).hazards == 0
    assert HazardStep.objects.count() == steps


def test_a_consent_stop_without_its_steps_or_an_unknown_stop_is_refused():
    with pytest.raises(ImportRefused) as refused:
        _import(
            {**HAZARD, "stopped": "consent_refused", "stopped_at": "2026-02-25"},
            {
                **HAZARD,
                "hazard_reference": "HZ-9",
                "stopped": "holiday",
                "stopped_at": "2026-02-25",
            },
            {**HAZARD, "hazard_reference": "HZ-10", "accommodation": "maybe"},
        )
    found = {(i.row, i.column) for i in refused.value.report.issues}
    assert found == {
        (2, "consent_steps"),
        (3, "stopped"),
        (4, "accommodation"),
        (4, "accommodation_at"),
    }
    assert not HazardReport.objects.exists()
