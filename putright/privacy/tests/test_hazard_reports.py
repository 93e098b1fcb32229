"""Hazard reports (Awaab's Law) under the privacy rules: anonymised with the resident and their
complaints, kept while a clock runs or within the retention period, and in the export."""

import io
import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.hazards import services as hazard_services
from putright.hazards.models import HazardReport, HazardStep
from putright.people.models import Resident
from putright.privacy import selectors
from putright.privacy.export import resident_export
from putright.privacy.services import ErasureRefused, resident_erase, retention_apply
from putright.privacy.tests.conftest import TODAY
from putright.rules.retention import ErasureRefusal

LONDON = ZoneInfo("Europe/London")
REMOVED = f"[removed under retention policy on {TODAY.isoformat()}]"
ERASED = f"[removed at the resident's request on {TODAY.isoformat()}]"
FACTS = ("hazard", "assessment", "aware_at", "source", "next_due_at", "investigator")


def _raise(actor, *, aware_at, complaint=None, resident=None, address="", assessment="not"):
    return hazard_services.hazard_report_raise(
        aware_at=aware_at,
        source="complaint" if complaint else "staff",
        told_by="Rosa Bell, on the phone",
        hazard="damp_mould",
        description="Mould in Lily's bedroom; she has asthma.",
        assessment=assessment,
        occupiers="Rosa Bell and her daughter Lily (4)",
        vulnerabilities="Lily has asthma",
        complaint=complaint,
        resident=resident,
        address=address,
        actor=actor,
    )


def _long_ago() -> datetime:
    return datetime(2019, 6, 3, 9, 0, tzinfo=LONDON)


def _facts(report: HazardReport) -> tuple:
    return tuple(getattr(report, name) for name in FACTS)


def test_retention_removes_a_hazard_reports_words_with_its_complaint_and_keeps_the_facts(
    old_cases, handler
):
    rosa_case, _ = old_cases
    report = _raise(handler, aware_at=_long_ago(), complaint=rosa_case)
    facts = _facts(report)
    received(resident=rosa_case.resident, actor=handler)  # a new complaint keeps Rosa herself

    retention_apply(today=TODAY, actor=None)

    report.refresh_from_db()
    assert Complaint.objects.get(pk=rosa_case.pk).description == REMOVED
    assert Resident.objects.get(pk=rosa_case.resident_id).full_name == "Rosa Bell"
    assert (report.told_by, report.occupiers, report.vulnerabilities) == (REMOVED,) * 3
    assert (report.description, report.address) == (REMOVED, REMOVED)
    assert _facts(report) == facts  # the clocks and facts the compliance figures use
    step = HazardStep.objects.get(report=report)
    assert step.summary == REMOVED
    assert step.data["told_by"] == REMOVED
    assert step.data["assessment"] == "not"  # codes stay


def test_a_running_hazard_clock_keeps_its_complaint_and_resident(old_cases, handler):
    rosa_case, tom_case = old_cases
    report = _raise(
        handler,
        aware_at=datetime(2026, 12, 1, 8, 0, tzinfo=LONDON),
        complaint=rosa_case,
        assessment="significant",
    )
    assert report.next_due_at is not None  # the investigation clock runs

    retention_apply(today=TODAY, actor=None)

    assert Complaint.objects.get(pk=rosa_case.pk).description == rosa_case.description
    assert Resident.objects.get(pk=rosa_case.resident_id).full_name == "Rosa Bell"
    report.refresh_from_db()
    assert report.told_by == "Rosa Bell, on the phone"
    assert Complaint.objects.get(pk=tom_case.pk).description == REMOVED  # Tom's goes


def test_a_recent_hazard_report_keeps_the_resident_though_their_complaints_go(old_cases, handler):
    rosa_case, _ = old_cases
    rosa = rosa_case.resident
    # Reported a year ago, no clock running now: within the six years.
    report = _raise(handler, aware_at=datetime(2025, 12, 1, 9, 0, tzinfo=LONDON), resident=rosa)

    retention_apply(today=TODAY, actor=None)

    assert Complaint.objects.get(pk=rosa_case.pk).description == REMOVED
    assert Resident.objects.get(pk=rosa.pk).full_name == "Rosa Bell"
    cutoff = selectors.retention_rules().complaints_cutoff(TODAY)
    assert rosa not in selectors.residents_past_retention(cutoff)  # not even a candidate
    report.refresh_from_db()
    assert report.occupiers == "Rosa Bell and her daughter Lily (4)"


def test_an_old_hazard_report_goes_with_the_resident(old_cases, handler):
    rosa = old_cases[0].resident
    report = _raise(handler, aware_at=_long_ago(), resident=rosa)

    retention_apply(today=TODAY, actor=None)

    assert Resident.objects.get(pk=rosa.pk).full_name == REMOVED
    report.refresh_from_db()
    assert (report.told_by, report.vulnerabilities, report.address) == (REMOVED,) * 3


def test_address_only_hazard_reports_lose_their_words_after_the_retention_period(db, handler):
    old = _raise(handler, aware_at=_long_ago(), address="3 Quay Street, EX2 4AN")
    recent = _raise(
        handler, aware_at=datetime(2025, 6, 1, 9, 0, tzinfo=LONDON), address="5 Quay Street"
    )

    result = retention_apply(today=TODAY, actor=None)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert result.hazard_reports == 1
    assert (old.told_by, old.occupiers, old.vulnerabilities) == (REMOVED,) * 3
    assert old.address == "3 Quay Street, EX2 4AN"  # the landlord's property, no one named
    assert recent.told_by == "Rosa Bell, on the phone"
    assert retention_apply(today=TODAY, actor=None).audit_ids == []  # nothing left to do


def test_erasure_removes_an_old_hazard_reports_words(old_cases, handler, administrator):
    rosa = old_cases[0].resident
    report = _raise(handler, aware_at=_long_ago(), resident=rosa)

    resident_erase(resident=rosa, reason="Request by letter", actor=administrator)

    report.refresh_from_db()
    assert (report.told_by, report.occupiers, report.vulnerabilities) == (ERASED,) * 3
    assert report.address == ERASED


def test_erasure_is_refused_while_a_hazard_clock_runs(old_cases, handler, administrator):
    rosa = old_cases[0].resident
    _raise(
        handler,
        aware_at=datetime(2026, 12, 1, 8, 0, tzinfo=LONDON),
        resident=rosa,
        assessment="significant",
    )

    with pytest.raises(ErasureRefused) as refused:
        resident_erase(resident=rosa, reason="Request by phone", actor=administrator)

    assert refused.value.refusal is ErasureRefusal.OPEN_HAZARD
    assert Resident.objects.get(pk=rosa.pk).full_name == "Rosa Bell"


def test_erasure_is_refused_within_the_retention_period_of_a_hazard_report(
    old_cases, handler, administrator
):
    rosa = old_cases[0].resident
    _raise(handler, aware_at=datetime(2025, 12, 1, 9, 0, tzinfo=LONDON), resident=rosa)

    with pytest.raises(ErasureRefused) as refused:
        resident_erase(resident=rosa, reason="Request by phone", actor=administrator)

    assert refused.value.refusal is ErasureRefusal.WITHIN_RETENTION
    assert "01 December 2025" in str(refused.value)


def test_the_export_holds_the_residents_hazard_reports_and_no_one_elses(
    old_cases, handler, administrator
):
    rosa_case, tom_case = old_cases
    rosas = _raise(handler, aware_at=_long_ago(), complaint=rosa_case)
    toms = _raise(handler, aware_at=_long_ago(), complaint=tom_case)

    result = resident_export(
        resident=rosa_case.resident, reason="Subject-access request by email", actor=administrator
    )

    with result.file:
        archive = zipfile.ZipFile(io.BytesIO(result.file.read()))
    path = f"hazards/hazard-report-{rosas.pk}.json"
    held = json.loads(archive.read(path))
    assert held["hazard_report"]["occupiers"] == "Rosa Bell and her daughter Lily (4)"
    assert held["hazard_report"]["complaint_reference"] == rosa_case.reference
    assert [s["kind"] for s in held["steps"]] == ["raised"]
    assert f"hazards/hazard-report-{toms.pk}.json" not in archive.namelist()
    assert path in archive.read("index.csv").decode()
