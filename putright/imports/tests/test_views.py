"""The import page: only officers and administrators; upload, dry run, refusal, results."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from putright.imports import forms
from putright.imports.columns import COLUMN_NAMES
from putright.imports.models import ImportBatch
from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, dump, row

PAGES = [
    reverse("imports:upload"),
    reverse("imports:template-csv"),
    reverse("imports:template-xlsx"),
]


def upload(client, data: bytes, name: str = "history.csv", **options):
    payload = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    payload.update({k: "on" for k, v in options.items() if v})
    return client.post(reverse("imports:upload"), payload)


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_handlers_and_viewers_may_not_import(client, request, url, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_handlers_and_viewers_cannot_post_a_file_or_see_results(client, request, persona):
    batch = import_complaints(data=csv_bytes(row()), file_name="h.csv").batch
    client.force_login(request.getfixturevalue(persona))
    before = dump()
    assert upload(client, csv_bytes(row(legacy_reference="X"))).status_code == 403
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 403
    assert dump() == before


@pytest.mark.parametrize("persona", ["officer", "administrator"])
def test_officers_and_administrators_see_the_import_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert b"Import past complaints" in page.content


def test_an_officer_imports_a_file_and_sees_the_results(client, officer):
    client.force_login(officer)
    response = upload(client, csv_bytes(row(), row(legacy_reference="OLD-2")))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    assert batch.run_by == officer
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert (batch.created, batch.rows_total) == (2, 2)
    assert b"CMP-2025-000001" in page.content
    assert b"OLD-2" in page.content


def test_a_dry_run_on_the_page_shows_what_would_happen_and_writes_nothing(client, officer):
    client.force_login(officer)
    before = dump()
    response = upload(client, csv_bytes(row()), dry_run=True)
    page = client.get(response["Location"])
    assert b"Dry run: nothing is written" in page.content
    assert b"New complaints (would be)" in page.content
    assert dump() == before  # every table but the import log, which keeps the dry run's report
    batch = ImportBatch.objects.get()
    assert (batch.dry_run, batch.status, batch.created, batch.upload) == (True, "done", 1, b"")


def test_an_invalid_file_lists_the_problems_row_by_row_and_imports_nothing(client, officer):
    client.force_login(officer)
    before = dump()
    response = upload(client, csv_bytes(row(), row(legacy_reference="OLD-2", category="Gas")))
    page = client.get(response["Location"])
    assert b"Nothing was imported from history.csv" in page.content
    assert b"Unknown category &#x27;Gas&#x27;" in page.content
    assert dump() == before
    assert ImportBatch.objects.get().status == ImportBatch.Status.REFUSED


def test_a_queued_import_waits_for_the_worker_and_says_so(client, officer, monkeypatch):
    class NoWorkerYet:
        def enqueue(self, **kwargs):
            return None

    monkeypatch.setattr("putright.imports.tasks.run_import", NoWorkerYet())
    client.force_login(officer)
    response = upload(client, csv_bytes(row()))
    page = client.get(response["Location"])
    assert b"Waiting to start" in page.content
    assert b'http-equiv="refresh"' in page.content
    batch = ImportBatch.objects.get()
    assert bytes(batch.upload).startswith(b"legacy_reference")
    from putright.imports.services import import_run_queued

    import_run_queued(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created, bytes(batch.upload)) == ("done", 1, b"")


def test_a_file_of_the_wrong_type_is_refused_with_a_field_error(client, officer):
    client.force_login(officer)
    response = upload(client, b"%PDF-1.4", name="history.pdf")
    assert response.status_code == 200
    assert forms.WRONG_TYPE.encode() in response.content
    assert ImportBatch.objects.count() == 0


def test_the_csv_template_has_every_column_and_an_example_that_imports(client, officer):
    client.force_login(officer)
    response = client.get(reverse("imports:template-csv"))
    assert response["Content-Disposition"] == 'attachment; filename="putright-import-template.csv"'
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert tuple(header.split(",")) == COLUMN_NAMES
    report = import_complaints(data=response.content, file_name="template.csv")
    assert (report.created, report.issues) == (1, [])


def test_the_xlsx_template_lists_the_columns_and_allowed_values_and_imports(client, officer):
    from openpyxl import load_workbook

    client.force_login(officer)
    response = client.get(reverse("imports:template-xlsx"))
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == ["Complaints", "Correspondence", "Columns", "Allowed values"]
    report = import_complaints(data=response.content, file_name="template.xlsx")
    assert (report.created, report.correspondence, report.issues) == (1, 1, [])


def test_the_pages_take_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    client.force_login(officer)
    for i in range(3):
        import_complaints(
            data=csv_bytes(row(legacy_reference=f"R{i}")), file_name=f"{i}.csv", actor=officer
        )
    batch = ImportBatch.objects.first()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("imports:upload")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 200


def test_the_documented_format_names_every_column():
    from pathlib import Path

    from putright.imports.columns import CORRESPONDENCE_NAMES

    docs = (Path(__file__).resolve().parents[3] / "docs" / "import.md").read_text()
    for name in (*COLUMN_NAMES, *CORRESPONDENCE_NAMES):
        assert f"`{name}`" in docs, name


def test_the_django_admin_finds_an_old_reference_but_cannot_change_the_map(client, administrator):
    import_complaints(data=csv_bytes(row()), file_name="h.csv")
    client.force_login(administrator)
    found = client.get("/admin/imports/importedcomplaint/?q=OLD-1001")
    assert found.status_code == 200
    assert b"CMP-2025-000001" in found.content
    assert client.get("/admin/imports/importedcomplaint/add/").status_code == 403


# --- a failed import says so and does not keep the file for ever -------------------------------


def test_an_import_stopped_by_an_error_is_marked_failed_with_its_reason(
    client, officer, monkeypatch
):
    from putright.imports import services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "import_complaints", broken)
    client.force_login(officer)
    response = upload(client, csv_bytes(row()))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert "RuntimeError: disk full" in batch.failure
    assert batch.finished_at is not None
    page = client.get(response["Location"])
    assert b"The import of" in page.content
    assert b"failed" in page.content
    assert b'http-equiv="refresh"' not in page.content


def test_imports_that_never_finished_are_marked_failed_and_their_files_deleted(settings):
    from datetime import timedelta

    from django.utils import timezone

    from putright.imports.services import import_uploads_purge

    settings.PUTRIGHT_RETAIN_IMPORT_FILES_DAYS = 7
    failed = ImportBatch.objects.create(
        file_name="a.csv", sha256="x", status=ImportBatch.Status.FAILED, upload=b"personal"
    )
    stuck = ImportBatch.objects.create(
        file_name="b.csv", sha256="y", status=ImportBatch.Status.RUNNING, upload=b"personal"
    )
    recent = ImportBatch.objects.create(
        file_name="c.csv", sha256="z", status=ImportBatch.Status.FAILED, upload=b"personal"
    )
    eight_days_ago = timezone.now() - timedelta(days=8)
    ImportBatch.objects.filter(pk__in=[failed.pk, stuck.pk]).update(started_at=eight_days_ago)

    assert import_uploads_purge() == 1
    for batch in (failed, stuck, recent):
        batch.refresh_from_db()
    # A finished import's file is the retention job's to remove (putright.privacy, audited).
    assert bytes(failed.upload) == b"personal"
    assert (stuck.status, bytes(stuck.upload)) == (ImportBatch.Status.FAILED, b"")
    assert "did not finish within 7 days" in stuck.failure
    assert bytes(recent.upload) == b"personal"
