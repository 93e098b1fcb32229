"""Importing history: first-class complaints, all or nothing, idempotent, corrections kept."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.complaints.constants import Direction
from putright.complaints.models import CaseEvent, Complaint, Correspondence
from putright.core.errors import RuleBroken
from putright.imports import services as importing
from putright.imports.models import ImportBatch, ImportedComplaint
from putright.imports.services import ImportRefused, import_complaints
from putright.imports.tests.sheets import csv_bytes, dump, received_only, row, xlsx_bytes
from putright.people.models import Resident, Tenancy, Tenure
from putright.rules.workflow import State


def run(*rows, name="history.csv", **options):
    return import_complaints(data=csv_bytes(*rows), file_name=name, **options)


def imported(reference: str = "OLD-1001") -> Complaint:
    return ImportedComplaint.objects.get(legacy_reference=reference).complaint


def codes(complaint: Complaint) -> list[tuple[date, str]]:
    return list(complaint.events.order_by("id").values_list("happened_on", "code"))


def test_a_row_becomes_a_complaint_with_each_step_at_its_real_date(officer, handler):
    report = run(row(), actor=officer)
    assert (report.created, report.unchanged, report.issues) == (1, 0, [])
    complaint = imported()
    assert complaint.reference == "CMP-2025-000001"
    assert complaint.status == State.CLOSED
    assert complaint.category.code == "repairs"
    assert complaint.received_on == date(2025, 4, 7)
    assert complaint.closed_on == date(2025, 4, 22)
    stage = complaint.stages.get(number=1)
    # 5 working days after Monday 7 April; 10 after Wednesday 9 April skip Good Friday and
    # Easter Monday: the same calendar as every other complaint.
    assert stage.ack_due == date(2025, 4, 14)
    assert stage.response_due == date(2025, 4, 25)
    assert stage.handler == handler
    assert stage.response.author == handler
    assert list(complaint.points.values_list("text", "added_on")) == [
        ("Leak not repaired", date(2025, 4, 9)),
        ("Nobody called back", date(2025, 4, 9)),
    ]
    assert list(complaint.remedies.values_list("remedy_type", "amount")) == [
        ("apology", None),
        ("financial", Decimal("150.00")),
    ]
    assert codes(complaint) == [
        (date(2025, 4, 7), "complaint.received"),
        (date(2025, 4, 7), "import.row"),
        (date(2025, 4, 9), "stage.acknowledged"),
        (date(2025, 4, 17), "stage.responded"),
        (date(2025, 4, 22), "complaint.closed"),
    ]
    note = complaint.events.get(code="import.row")
    assert note.summary == "Imported from history.csv, row 2 (old reference OLD-1001)"
    assert note.actor == officer
    # Pass-on delay is measured to the day it was logged in the old system, not today.
    assert complaint.events.get(code="complaint.received").data["passed_on_late_by"] == 0


def test_residents_are_matched_by_their_old_id_with_their_tenure():
    run(
        row(),
        received_only(legacy_reference="OLD-1002", received_on="2025-05-01"),
    )
    assert Resident.objects.count() == 1
    rosa = Resident.objects.get()
    assert rosa.complaints.count() == 2
    assert list(Tenancy.objects.values_list("tenure", "home__uprn")) == [
        (Tenure.LOW_COST_RENTAL, "100023")
    ]
    assert imported("OLD-1002").status == State.RECEIVED


def test_a_tenancy_starts_no_later_than_the_residents_earliest_complaint():
    run(
        row(),
        received_only(legacy_reference="OLD-0999", received_on="2025-01-06"),
    )
    assert Tenancy.objects.get().start_on == date(2025, 1, 6)


def test_a_full_stage_two_history_with_an_extension_and_the_ombudsman(second_handler):
    report = run(
        row(
            closed_on="",
            s1_extended_to="2025-05-02",
            s1_extension_reason="Waiting for the roofer's survey",
            s1_extended_on="2025-04-24",
            s1_responded_on="2025-04-30",
            s2_requested_on="2025-05-06",
            s2_acknowledged_on="2025-05-09",
            s2_handler="hannah",
            s2_responded_on="2025-06-10",
            s2_decision="upheld",
            s2_remedies="financial:300",
            ombudsman_referred_on="2025-07-01",
            ombudsman_reference="202512345",
            ombudsman_outcome="service failure",
            ombudsman_outcome_on="2025-11-03",
        )
    )
    assert report.issues == []
    complaint = imported()
    assert complaint.status == State.STAGE2_RESPONDED
    stage1, stage2 = complaint.stages.order_by("number")
    assert (stage1.response_due_original, stage1.response_due) == (
        date(2025, 4, 25),
        date(2025, 5, 2),
    )
    # No s1_resident_told_on: the date the resident was told is unknown, never assumed.
    assert stage1.extensions.get().resident_informed_on is None
    assert stage1.extensions.get().agreed_on == date(2025, 4, 24)
    assert stage2.handler == second_handler
    # 20 working days after Friday 9 May, across the 26 May bank holiday: 9 June; answered late.
    assert stage2.response_due == date(2025, 6, 9)
    referral = complaint.ombudsman_referrals.get()
    assert (referral.outcome, referral.outcome_on) == ("service_failure", date(2025, 11, 3))
    assert [c for _, c in codes(complaint)][2:] == [
        "stage.acknowledged",
        "stage.extended",
        "stage.responded",
        "complaint.escalated",
        "stage.acknowledged",
        "stage.responded",
        "ombudsman.referred",
        "ombudsman.outcome",
    ]
    assert complaint.events.get(code="stage.extended").happened_on == date(2025, 4, 24)


def test_importing_the_same_file_twice_leaves_the_database_identical():
    rows = [
        row(),
        row(
            legacy_reference="OLD-1002",
            resident_id="T-7",
            resident_name="Ali Khan",
            property_ref="200001",
            closed_on="",
            s2_requested_on="2025-05-01",
        ),
    ]
    run(*rows)
    before = dump()
    report = run(*rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert dump() == before
    assert ImportBatch.objects.count() == 2  # each run is logged; nothing else changes


def test_a_dry_run_writes_nothing_but_reports_what_would_happen():
    before = dump()
    report = run(row(), dry_run=True)
    assert (report.created, report.batch) == (1, None)
    assert dump() == before
    assert ImportBatch.objects.count() == 0


def test_an_invalid_row_means_nothing_at_all_is_written():
    before = dump()
    with pytest.raises(ImportRefused) as refused:
        run(row(), row(legacy_reference="OLD-2", received_on="2027-01-01"))
    assert [(i.row, i.column) for i in refused.value.report.issues] == [(3, "received_on")]
    assert dump() == before
    assert ImportBatch.objects.count() == 0


def test_a_duplicate_reference_is_refused():
    with pytest.raises(ImportRefused) as refused:
        run(row(), row())
    issue = refused.value.report.issues[0]
    assert (issue.row, issue.column) == (3, "legacy_reference")
    assert issue.message == importing.DUPLICATE_REFERENCE.format(value="OLD-1001", other=2)


def test_skip_invalid_imports_the_valid_rows_and_lists_the_others():
    report = run(row(), row(legacy_reference="OLD-2", category="Gas"), skip_invalid=True)
    assert (report.created, report.invalid) == (1, 1)
    assert report.batch.issues[0]["row"] == 3
    assert report.batch.issues[0]["column"] == "category"
    assert ImportedComplaint.objects.filter(legacy_reference="OLD-2").count() == 0


@pytest.fixture
def services_refuse_old_2(monkeypatch):
    """A rule only the services know (the checks mirror them, but the services decide)."""
    real = importing.apply_step

    def apply_step(step, complaint, plan, **kwargs):
        if plan.legacy_reference == "OLD-2" and step == "acknowledge_1":
            raise RuleBroken("Refused for the test.")
        return real(step, complaint, plan, **kwargs)

    monkeypatch.setattr("putright.imports.services.apply_step", apply_step)


@pytest.mark.usefixtures("services_refuse_old_2")
def test_a_step_the_services_refuse_rolls_back_only_its_row_and_is_reported_against_it():
    # The checks passed the whole file, so the import runs; the refusal undoes its row alone
    # (rows are committed a few at a time, so earlier rows cannot be undone with it).
    report = run(row(), row(legacy_reference="OLD-2"))
    issue = report.issues[-1]
    assert (issue.row, issue.column) == (3, "acknowledge_1")
    assert issue.message == importing.SERVICE_REFUSED.format(
        step="acknowledge 1", message="Refused for the test."
    )
    assert (report.created, report.invalid) == (1, 1)
    assert report.batch.issues[-1]["row"] == 3
    assert not Complaint.objects.filter(imported_from__legacy_reference="OLD-2").exists()


@pytest.mark.usefixtures("services_refuse_old_2")
def test_a_step_the_services_refuse_skips_only_its_row_when_skipping():
    report = run(row(), row(legacy_reference="OLD-2"), skip_invalid=True)
    assert (report.created, report.invalid) == (1, 1)
    assert not Complaint.objects.filter(imported_from__legacy_reference="OLD-2").exists()
    assert Complaint.objects.count() == 1  # the refused row's half-made complaint is gone


def test_a_corrected_file_adds_later_steps_to_a_case_that_was_in_progress(officer):
    in_progress = row(s1_responded_on="", s1_decision="", s1_remedies="", closed_on="")
    run(in_progress)
    assert imported().status == State.STAGE1_OPEN
    report = run(row(), name="history-june.csv", actor=officer)
    assert (report.created, report.updated) == (0, 1)
    complaint = imported()
    assert complaint.status == State.CLOSED
    assert [c for _, c in codes(complaint)][-3:] == [
        "stage.responded",
        "complaint.closed",
        "import.updated",
    ]
    update = complaint.events.get(code="import.updated")
    assert update.data["steps_added"] == ["respond_1", "close"]
    assert update.data["not_applied"] == []
    assert not complaint.events.filter(code="record.corrected").exists()
    # And the corrected file, imported again, changes nothing.
    before = dump()
    assert run(row(), name="history-june.csv").unchanged == 1
    assert dump() == before


def test_a_changed_historical_date_is_recorded_as_a_correction_not_rewritten(officer):
    run(row())
    events_before = CaseEvent.objects.count()
    report = run(row(received_on="2025-04-04"), name="fixed.csv", actor=officer)
    assert report.updated == 1
    complaint = imported()
    assert complaint.received_on == date(2025, 4, 7)  # the dated history stands
    correction = complaint.events.get(code="record.corrected")
    assert correction.corrects == complaint.events.get(code="import.row")
    assert "received_on: '2025-04-07' → '2025-04-04' (not applied" in correction.data["text"]
    assert CaseEvent.objects.count() == events_before + 2  # import.updated + record.corrected
    assert run(row(received_on="2025-04-04"), name="fixed.csv").unchanged == 1


def test_a_changed_category_is_updated_with_a_correction_event():
    run(row())
    run(row(category="damp-mould"))
    complaint = imported()
    assert complaint.category.code == "damp-mould"
    text = complaint.events.get(code="record.corrected").data["text"]
    assert "category: 'repairs' → 'damp-mould' (updated)" in text


def test_an_xlsx_workbook_with_correspondence_imports_once():
    letters = [
        {
            "legacy_reference": "OLD-1001",
            "date": date(2025, 4, 9),
            "direction": "out",
            "channel": "letter",
            "counterpart": "Rosa Bell",
            "subject": "Acknowledgement",
        },
        {
            "legacy_reference": "OLD-1001",
            "date": "2025-04-08",
            "direction": "in",
            "channel": "email",
            "counterpart": "Rosa Bell",
            "summary": "Any news?",
        },
    ]
    data = xlsx_bytes(row(received_on=date(2025, 4, 7)), correspondence=letters)
    report = import_complaints(data=data, file_name="history.xlsx")
    assert (report.created, report.correspondence) == (1, 2)
    items = Correspondence.objects.order_by("occurred_at")
    assert [(c.direction, c.occurred_at.date()) for c in items] == [
        (Direction.INCOMING, date(2025, 4, 8)),
        (Direction.OUTGOING, date(2025, 4, 9)),
    ]
    before = dump()
    again = import_complaints(data=data, file_name="history.xlsx")
    assert (again.unchanged, again.correspondence) == (1, 0)
    assert dump() == before


def test_correspondence_for_an_unknown_complaint_is_refused():
    data = xlsx_bytes(
        row(),
        correspondence=[
            {
                "legacy_reference": "NOPE",
                "date": "2025-04-09",
                "direction": "sideways",
                "channel": "letter",
                "counterpart": "Rosa Bell",
                "subject": "Hello",
            }
        ],
    )
    with pytest.raises(ImportRefused) as refused:
        import_complaints(data=data, file_name="history.xlsx")
    messages = [i.message for i in refused.value.report.issues]
    assert importing.UNKNOWN_COMPLAINT.format(value="NOPE") in messages
    assert importing.UNKNOWN_DIRECTION.format(value="sideways") in messages


def test_a_badly_encoded_row_stops_the_file_unless_skipped():
    data = csv_bytes(row(), row(legacy_reference="OLD-2"))
    data = data.replace(b"Rosa Bell", "Zoë".encode("latin-1"), 1)
    with pytest.raises(ImportRefused) as refused:
        import_complaints(data=data, file_name="h.csv")
    assert refused.value.report.issues[0].row == 2
    report = import_complaints(data=data, file_name="h.csv", skip_invalid=True)
    assert (report.created, report.invalid) == (1, 1)


def test_a_bad_correspondence_row_is_skipped_without_touching_the_complaint_row_numbered_alike():
    letters = [
        {
            "legacy_reference": "OLD-1001",
            "date": "2025-04-09",
            "direction": "out",
            "channel": "letter",
            "counterpart": "Rosa Bell",
            "subject": "Acknowledgement",
        },
        {
            "legacy_reference": "OLD-1001",
            "date": "2025-04-10",
            "direction": "sideways",
            "channel": "letter",
            "counterpart": "Rosa Bell",
            "subject": "Hmm",
        },
    ]
    data = xlsx_bytes(row(), row(legacy_reference="OLD-2"), correspondence=letters)
    report = import_complaints(data=data, file_name="h.xlsx", skip_invalid=True)
    # Correspondence row 3 is bad; complaint row 3 (OLD-2) is fine and imported.
    assert [(i.sheet, i.row, i.column) for i in report.issues] == [
        ("Correspondence", 3, "direction")
    ]
    assert (report.created, report.invalid, report.correspondence) == (2, 0, 1)


def test_a_corrected_row_adds_the_new_steps_and_records_a_changed_earlier_date():
    run(row(s1_responded_on="", s1_decision="", s1_remedies="", closed_on=""))
    run(row(s1_acknowledged_on="2025-04-10"))  # acknowledged a day later, and now answered
    complaint = imported()
    assert complaint.status == State.CLOSED
    assert complaint.stages.get(number=1).acknowledged_on == date(2025, 4, 9)  # unchanged
    update = complaint.events.get(code="import.updated").data
    assert update["steps_added"] == ["respond_1", "close"]
    assert update["not_applied"] == ["s1_acknowledged_on"]
    assert (
        "s1_acknowledged_on: '2025-04-09' → '2025-04-10' (not applied"
        in (complaint.events.get(code="record.corrected").data["text"])
    )


def test_a_step_missing_from_a_corrected_row_is_recorded_and_nothing_is_undone():
    run(row())
    run(row(closed_on=""))
    complaint = imported()
    assert complaint.status == State.CLOSED
    update = complaint.events.get(code="import.updated").data
    assert (update["steps_added"], update["not_applied"]) == ([], ["closed_on"])


def test_a_case_worked_in_putright_since_is_not_moved_on_by_a_corrected_file(handler):
    from putright.complaints.tests.stories import responded

    run(row(s1_responded_on="", s1_decision="", s1_remedies="", closed_on=""))
    responded(imported(), actor=handler, on=date(2025, 4, 16))  # answered in PutRight
    report = run(row())  # the old system's export also has a response and closure
    assert (report.updated, report.issues) == (1, [])
    complaint = imported()
    assert complaint.status == State.STAGE1_RESPONDED  # PutRight's own handling stands
    assert complaint.stages.get(number=1).responded_on == date(2025, 4, 16)
    update = complaint.events.get(code="import.updated").data
    assert (update["worked_in_putright"], update["steps_added"]) == (True, [])
    assert importing.WORKED_SINCE in complaint.events.get(code="record.corrected").data["text"]


def test_imported_history_sends_no_letters_and_wakes_no_listeners(
    django_capture_on_commit_callbacks, handler
):
    from putright.complaints.events import subscribe

    heard = []

    @subscribe("")
    def listener(event):
        heard.append(event.code)

    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run(row())
        assert (heard, callbacks) == ([], [])
        # Outside an import, the same listener hears the lifecycle as usual.
        from putright.complaints.tests.stories import received
        from putright.people.factories import ResidentFactory

        with django_capture_on_commit_callbacks(execute=True):
            received(resident=ResidentFactory(), actor=handler)
        assert heard == ["complaint.received"]
    finally:
        from putright.complaints import events

        events._listeners.remove(("", listener))


def test_an_extended_date_on_a_weekend_is_imported_as_recorded_and_flagged():
    # ROW: acknowledged Wed 9 Apr 2025; 10 working days skip Good Friday 18 Apr and Easter
    # Monday 21 Apr: 10-11 Apr (2), 14-17 Apr (6), 22-25 Apr (10) = Fri 25 Apr. Extended on
    # 24 Apr to Sat 3 May 2025, a day the office is not open: imported, with a warning.
    sheet = row(
        s1_extended_to="2025-05-03",
        s1_extension_reason="Survey",
        s1_extended_on="2025-04-24",
        s1_responded_on="2025-05-02",
        closed_on="2025-05-06",
    )
    report = import_complaints(data=csv_bytes(sheet), file_name="history.csv")

    assert report.issues == []
    assert report.warnings == [
        "Row 2, s1_extended_to: the extended date 2025-05-03 is not a working day (a weekend, "
        "bank holiday or closure). Imported as recorded and flagged on the case."
    ]
    stage = Complaint.objects.get().stages.get(number=1)
    assert (stage.response_due_original, stage.response_due) == (
        date(2025, 4, 25),
        date(2025, 5, 3),
    )


def test_an_import_folds_the_tally_deltas_it_left(monkeypatch):
    """An import appends a tally delta a row it writes (a year's file: hundreds of thousands):
    it folds them when it has finished (``tallies.fold_after_bulk``), as a closure's recount
    does, rather than leave every dashboard to add them up until the minute's job."""
    from putright.complaints import tallies
    from putright.complaints.tests.test_dashboard_tallies import unfolded

    monkeypatch.setattr(tallies, "FOLD_AFTER", 2)
    report = run(row(), row(legacy_reference="OLD-1002"), row(legacy_reference="OLD-1003"))

    assert report.created == 3
    assert unfolded() == 0
    for name, (kept, counted) in tallies.recount().items():
        assert kept == counted, name


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time"
)
def test_a_chunk_holds_the_residents_whose_tenancies_it_moves_before_it_numbers_complaints():
    """A live create holds its resident, then the year's reference counter. A chunk that took
    the counter first, then waited for a resident held by a create waiting for the counter,
    would be a circle (people.services.residents_facts_changing): the chunk holds the
    residents whose tenancies it starts or moves before it numbers anything."""
    run(row())
    rosa = Resident.objects.get()
    earlier = received_only(legacy_reference="OLD-0999", received_on="2025-01-06")

    with CaptureQueriesContext(connection) as queries:
        run(row(), earlier)

    assert Tenancy.objects.get().start_on == date(2025, 1, 6)  # the tenancy moved
    sql = [q["sql"] for q in queries.captured_queries]
    held = next(
        i for i, s in enumerate(sql) if "residents_held_for_change" in s and str(rosa.pk) in s
    )
    numbered = next(i for i, s in enumerate(sql) if "reference_counter" in s.lower())
    assert held < numbered
