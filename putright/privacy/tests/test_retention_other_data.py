"""Retention beyond complaints: residents who never complained, unmatched mail, import files."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from putright.imports.models import ImportBatch
from putright.intake.constants import InboundStatus
from putright.intake.models import InboundEmail
from putright.intake.services import items
from putright.people.factories import ResidentFactory
from putright.people.models import Resident
from putright.privacy.constants import AuditKind
from putright.privacy.models import AuditEntry
from putright.privacy.services import retention_apply
from putright.privacy.tests.conftest import TODAY

LONDON = ZoneInfo("Europe/London")
REMOVED = f"[removed under retention policy on {TODAY.isoformat()}]"


def _at(day) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)


def test_a_resident_who_never_complained_is_anonymised_once_recorded_long_enough_ago(db):
    old = ResidentFactory(full_name="Ada Long")
    new = ResidentFactory(full_name="Ben Short")
    Resident.objects.filter(pk=old.pk).update(created_at=_at(TODAY.replace(year=2019)))
    Resident.objects.filter(pk=new.pk).update(created_at=_at(TODAY - timedelta(days=10)))

    result = retention_apply(today=TODAY, actor=None)

    assert result.residents == 1
    assert Resident.objects.get(pk=old.pk).full_name == REMOVED
    assert Resident.objects.get(pk=new.pk).full_name == "Ben Short"


def _quarantined(day, name: str) -> InboundEmail:
    item = InboundEmail(
        message_id=f"<{name}@example.org>",
        source="INBOX",
        from_address=f"{name}@example.org",
        subject="Complaint about my neighbour",
        status=InboundStatus.QUARANTINED,
        reason="No readable text",
        received_at=_at(day),
    )
    item.raw.save(f"{name}.eml", ContentFile(b"From: someone"), save=False)
    item.save()
    return item


def test_unmatched_mail_is_removed_after_its_retention_period(
    db, settings, django_capture_on_commit_callbacks
):
    settings.PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS = 180
    old = _quarantined(TODAY - timedelta(days=181), "old")
    recent = _quarantined(TODAY - timedelta(days=179), "recent")
    old_file = old.raw.name
    assert default_storage.exists(old_file)

    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(today=TODAY, actor=None)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.raw.name, old.from_address, old.subject) == ("", REMOVED, REMOVED)
    assert not default_storage.exists(old_file)
    assert default_storage.exists(recent.raw.name)
    assert recent.from_address == "recent@example.org"
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.rule, entry.files_removed) == (
        AuditKind.INTAKE_EXPIRED,
        "PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS=180",
        1,
    )


def test_intake_items_never_part_of_a_case_are_removed_after_the_retention_period(
    db, settings, django_capture_on_commit_callbacks
):
    settings.PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS = 180
    old, recent = (
        items.item_receive(
            channel="email",
            received_at=_at(TODAY - timedelta(days=days)),
            body="My neighbour is noisy.",
            sender_name="Pat Jones",
            sender_email="pat@example.org",
        )
        for days in (181, 179)
    )
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(today=TODAY, actor=None)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.sender_name, old.sender_email, old.body) == (REMOVED, "", REMOVED)
    assert (recent.sender_name, recent.body) == ("Pat Jones", "My neighbour is noisy.")


def test_uploaded_import_files_are_removed_after_their_retention_period(db, settings):
    settings.PUTRIGHT_RETAIN_IMPORT_FILES_DAYS = 30
    old = ImportBatch.objects.create(file_name="2019.xlsx", sha256="a", upload=b"rows")
    recent = ImportBatch.objects.create(file_name="2026.xlsx", sha256="b", upload=b"rows")
    ImportBatch.objects.filter(pk=old.pk).update(started_at=_at(TODAY - timedelta(days=31)))
    ImportBatch.objects.filter(pk=recent.pk).update(started_at=_at(TODAY - timedelta(days=29)))

    retention_apply(today=TODAY, actor=None)

    assert bytes(ImportBatch.objects.get(pk=old.pk).upload) == b""
    assert bytes(ImportBatch.objects.get(pk=recent.pk).upload) == b"rows"
    assert AuditEntry.objects.get().kind == AuditKind.IMPORT_FILES_EXPIRED


def test_the_daily_command_reports_what_it_did(old_cases):
    out = io.StringIO()

    call_command("retention_apply", f"--today={TODAY.isoformat()}", stdout=out)

    assert "2 complaint(s) and 2 resident(s) anonymised" in out.getvalue()
    assert AuditEntry.objects.count() == 2
