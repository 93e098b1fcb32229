"""Imported history is counted by the regulator's measures like any other complaint."""

from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, row
from putright.reporting.figures import ch01, ch02, reporting_year
from putright.reporting.reference import stage_facts


def test_the_tsm_return_counts_imported_complaints_by_tenure_and_timeliness():
    rows = [
        row(),  # low-cost rental, stage 1 answered on time (17 April, due 25 April)
        row(
            legacy_reference="OLD-2",
            resident_id="T-2",
            tenure="lcho",
            property_ref="9",
            s1_responded_on="2025-04-28",
            closed_on="2025-04-29",
        ),  # shared owner, late
    ]
    import_complaints(data=csv_bytes(*rows), file_name="history.csv")
    facts = stage_facts(reporting_year(2025), stored=True)
    received = {f.key: f.numerator for f in ch01(facts, 2025, None)}
    assert received["ch01-stage1-lcra"] == 1
    assert received["ch01-stage1-lcho"] == 1
    on_time = [f for f in ch02(facts, 2025) if f.key.startswith("ch02-stage1")]
    assert [(f.numerator, f.denominator) for f in on_time][:1] == [(1, 2)]
