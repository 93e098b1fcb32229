"""An imported complaint is found by the old system's reference, and by its corrected words."""

from putright.complaints import search
from putright.imports.models import ImportedComplaint
from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, row
from putright.people import search as resident_search


def run(*rows):
    return import_complaints(data=csv_bytes(*rows), file_name="history.csv")


def test_an_imported_complaint_is_found_by_its_old_reference_in_any_form():
    run(
        row(),
        row(
            legacy_reference="OLD-1002",
            resident_id="T-0043",
            resident_name="Sam Khan",
            property_ref="100099",
        ),
    )
    complaint = ImportedComplaint.objects.get(legacy_reference="OLD-1001").complaint
    for query in ("OLD-1001", "old 1001", "old1001"):
        hits = search.search(query)
        assert hits.kind == search.Kind.OLD_REFERENCE, query
        assert hits[0:5] == [complaint.pk], query
    assert search.search("1001")[0:5] == [complaint.pk]  # as a word, too
    # The imported resident is in the finder, with the property reference.
    assert resident_search.find("100023")[0:5] == [complaint.resident_id]


def test_a_corrected_description_is_found_by_its_new_words():
    run(row())
    assert search.search("gutter").count() == 0
    run(row(description="Water coming through the gutter."))
    complaint = ImportedComplaint.objects.get(legacy_reference="OLD-1001").complaint
    assert search.search("gutter")[0:5] == [complaint.pk]
