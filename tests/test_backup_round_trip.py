"""A backup survives the worst: wipe everything, restore, and the case record is whole.

The complaint, its append-only record (database triggers included), an attachment and a letter
PDF go through `manage.py backup` and `manage.py restore` on SQLite and on PostgreSQL.
"""

import shutil
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from putright.complaints import services
from putright.complaints.models import Attachment, CaseEvent, Complaint
from putright.complaints.tests.stories import MONDAY, acknowledged, received, travel
from putright.core.backups import TARGET_NOT_EMPTY, read_manifest
from putright.letters.models import Letter
from putright.people.factories import ResidentFactory, TenancyFactory

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def case(time_machine, handler):
    """Rosa's acknowledged complaint with a photo attached and its acknowledgement letter."""
    travel(time_machine, MONDAY)
    rosa = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    TenancyFactory(resident=rosa, home=rosa.home)
    complaint = acknowledged(received(resident=rosa, actor=handler), actor=handler)
    services.attachment_add(
        complaint=complaint,
        files=[SimpleUploadedFile("mould.png", PHOTO, "image/png")],
        actor=handler,
        description="Photo of the mould",
    )
    letter = Letter.objects.get(complaint=complaint)  # sent after the acknowledgement
    return {
        "reference": complaint.reference,
        "events": list(complaint.events.order_by("pk").values_list("code", "summary")),
        "attachment": Attachment.objects.get(complaint=complaint, file__contains="mould").file.name,
        "letter_pdf": letter.pdf.name,
        "letter_bytes": read(letter.pdf),
    }


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def assert_a_raw_update_is_refused(cursor, *, refused_error) -> None:
    with pytest.raises(refused_error):
        cursor.execute("UPDATE complaints_caseevent SET summary = 'Rewritten'")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
def test_a_sqlite_backup_restores_the_case_record_its_protection_and_files(
    case, tmp_path, settings
):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    manifest = read_manifest(archive)
    assert manifest["database"] == {"engine": "sqlite", "file": "database.sqlite3"}
    assert manifest["counts"]["complaints.caseevent"] == len(case["events"])
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert manifest["media_files"] == len(files) >= 2  # the photo, the letter PDF, ...

    # A database that holds data is not overwritten without --force; nothing changes.
    with pytest.raises(CommandError, match="already holds PutRight data"):
        call_command("restore", str(archive), stdout=StringIO())

    # Disaster: every table emptied, every file gone.
    call_command("flush", interactive=False)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Complaint.objects.exists()

    call_command("restore", str(archive), stdout=StringIO())

    complaint = Complaint.objects.get(reference=case["reference"])
    assert list(complaint.events.order_by("pk").values_list("code", "summary")) == case["events"]
    attachment = Attachment.objects.get(complaint=complaint, file=case["attachment"])
    assert attachment.file.name == case["attachment"]
    assert read(attachment.file) == PHOTO
    assert read(Letter.objects.get(complaint=complaint).pdf) == case["letter_bytes"]
    # The append-only triggers came back with the tables.
    with transaction.atomic(), connection.cursor() as cursor:
        assert_a_raw_update_is_refused(cursor, refused_error=DatabaseError)
    assert CaseEvent.objects.filter(summary="Rewritten").count() == 0


@pytest.fixture
def scratch_postgres():
    """An empty PostgreSQL database named after this test run's own, dropped afterwards."""
    config = connection.settings_dict
    name = f"{config['NAME']}_restore"
    server = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    server.execute(f'CREATE DATABASE "{name}"')
    user = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    url = f"postgres://{user}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"
    yield url
    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip")
def test_a_postgresql_backup_restores_the_case_record_its_protection_and_files(
    case, tmp_path, settings, scratch_postgres
):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    assert read_manifest(archive)["database"] == {"engine": "postgresql", "file": "database.pgdump"}
    with pytest.raises(CommandError, match="already holds PutRight data"):
        call_command("restore", str(archive), stdout=StringIO())

    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(archive), "--database-url", scratch_postgres, stdout=StringIO())

    with psycopg.connect(scratch_postgres) as restored:
        rows = restored.execute(
            "SELECT e.code, e.summary FROM complaints_caseevent e "
            "JOIN complaints_complaint c ON c.id = e.complaint_id "
            "WHERE c.reference = %s ORDER BY e.id",
            [case["reference"]],
        ).fetchall()
        assert [tuple(row) for row in rows] == case["events"]
        files = restored.execute("SELECT file FROM complaints_attachment").fetchall()
        assert (case["attachment"],) in [tuple(f) for f in files]
        assert_a_raw_update_is_refused(
            restored.cursor(), refused_error=psycopg.errors.RaiseException
        )
    with (
        psycopg.connect(scratch_postgres) as restored,
        pytest.raises(psycopg.errors.RaiseException),
    ):
        restored.execute("DELETE FROM complaints_caseevent")
    media = Path(settings.MEDIA_ROOT)
    assert (media / case["attachment"]).read_bytes() == PHOTO
    assert (media / case["letter_pdf"]).read_bytes() == case["letter_bytes"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a PutRight backup"):
        call_command("restore", str(bogus), stdout=StringIO())


def test_backup_refuses_to_overwrite_an_archive(tmp_path, db):
    existing = tmp_path / "backup.tar.gz"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), stdout=StringIO())
    assert existing.read_bytes() == b"yesterday's backup"


def test_the_refusal_names_force():
    assert "--force" in TARGET_NOT_EMPTY


def test_a_backup_into_a_folder_is_named_by_the_uk_time(tmp_path, db, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    time_machine.move_to(datetime(2027, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
    call_command("backup", str(tmp_path), stdout=StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["putright-backup-20270701-003000.tar.gz"]
