"""A complaint the import's correction moves to another category while that category, or the
one it leaves, is being renamed (its complaints' search rows written again a batch at a time,
``complaints.services.categories``) is found by the category it is in, by that category's
name now."""

from putright.complaints import search
from putright.complaints.models import Category
from putright.complaints.services import categories
from putright.imports.models import ImportedComplaint
from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, row


def run(*rows):
    return import_complaints(data=csv_bytes(*rows), file_name="history.csv")


def _found(query: str) -> list[str]:
    ids = search.search(query)[0:10]
    return sorted(
        ImportedComplaint.objects.filter(complaint_id__in=ids).values_list(
            "legacy_reference", flat=True
        )
    )


def test_complaints_moved_while_their_category_is_renamed_are_found_by_where_they_are(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    run(
        row(legacy_reference="OLD-1001", category="repairs"),
        row(legacy_reference="OLD-1002", category="damp-mould"),
        row(legacy_reference="OLD-1003", category="damp-mould"),
    )
    monkeypatch.setattr(categories, "REINDEX_BATCH", 1)
    damp = Category.objects.get(code="damp-mould")
    damp.name = "Condensation"
    with django_capture_on_commit_callbacks(execute=False):
        reindex = categories.category_save(category=damp, actor=officer)
    assert reindex.reindexed == 1  # OLD-1002; OLD-1003 waits for the task

    run(
        row(legacy_reference="OLD-1001", category="damp-mould"),  # in after the run passed
        row(legacy_reference="OLD-1003", category="repairs"),  # out before it got there
    )
    categories.reindex_run()

    assert _found("Condensation") == ["OLD-1001", "OLD-1002"]
    assert _found("Repairs") == ["OLD-1003"]
    assert _found("Damp") == []
