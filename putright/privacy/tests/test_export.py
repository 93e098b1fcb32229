"""Subject-access export: the resident's complaints, record, letters and files, nobody else's."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from putright.core.errors import InvalidInput, RuleBroken
from putright.letters.models import Letter
from putright.privacy.constants import AuditKind
from putright.privacy.export import resident_export
from putright.privacy.models import AuditEntry
from putright.privacy.services import REASON_NAMES_RESIDENT
from putright.privacy.tests.conftest import PDF


def _zip(result) -> zipfile.ZipFile:
    with result.file:
        return zipfile.ZipFile(io.BytesIO(result.file.read()))


def test_the_zip_holds_the_residents_letters_and_files_and_none_of_another_residents(
    old_cases, administrator
):
    rosa_case, tom_case = old_cases
    rosa_letter = Letter.objects.get(complaint=rosa_case)
    tom_letter = Letter.objects.get(complaint=tom_case)

    result = resident_export(
        resident=rosa_case.resident, reason="Subject-access request by email", actor=administrator
    )

    archive = _zip(result)
    names = archive.namelist()
    folder = f"complaints/{rosa_case.reference}"
    letter_path = f"{folder}/letters/{rosa_letter.pk}-acknowledgement.pdf"
    assert letter_path in names
    assert archive.read(letter_path) == PDF
    photo = [n for n in names if n.startswith(f"{folder}/files/")]
    assert len(photo) == 1
    assert archive.read(photo[0]) == b"\xff\xd8\xff photo"
    assert {"README.txt", "index.html", "index.csv", "resident.json"} <= set(names)
    # Nothing of Tom's: not his complaint, letter, files or name.
    assert not any(tom_case.reference in n for n in names)
    assert not any(n.endswith(f"/{tom_letter.pk}-acknowledgement.pdf") for n in names)
    everything = b"".join(archive.read(n) for n in names)
    assert b"Tom Hart" not in everything
    # The personal data held, and the index listing each file.
    held = json.loads(archive.read("resident.json"))
    assert held["resident"]["full_name"] == "Rosa Bell"
    assert [a["kind"] for a in held["adjustments"]] == ["large_print"]
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert {row["path"] for row in index} >= {letter_path, photo[0], f"{folder}/record.csv"}
    assert letter_path in archive.read("index.html").decode()
    record = archive.read(f"{folder}/record.csv").decode()
    assert "complaint.received" in record
    assert "complaint.closed" in record
    assert result.files == 2


def test_the_export_is_audited_with_its_reason_and_no_personal_data(old_cases, administrator):
    rosa_case, _ = old_cases

    result = resident_export(
        resident=rosa_case.resident, reason="Subject-access request by email", actor=administrator
    )

    result.file.close()
    entry = AuditEntry.objects.get()
    assert entry == result.audit
    assert (entry.kind, entry.actor, entry.reason, entry.files_exported) == (
        AuditKind.SUBJECT_ACCESS,
        administrator,
        "Subject-access request by email",
        2,
    )
    assert entry.complaint_references == [rosa_case.reference]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Give the reason for the request."), ("Rosa Bell asked", REASON_NAMES_RESIDENT)],
)
def test_an_export_needs_a_reason_without_the_residents_name(
    old_cases, administrator, reason, message
):
    with pytest.raises(InvalidInput, match=message):
        resident_export(resident=old_cases[0].resident, reason=reason, actor=administrator)
    assert not AuditEntry.objects.exists()


def test_only_an_administrator_may_export(old_cases, officer):
    with pytest.raises(RuleBroken):
        resident_export(resident=old_cases[0].resident, reason="Request", actor=officer)
    assert not AuditEntry.objects.exists()


def test_the_command_writes_the_zip(old_cases, administrator, tmp_path):
    out = tmp_path / "export.zip"

    call_command(
        "subject_access_export",
        str(old_cases[0].resident_id),
        "--reason=Request by post",
        f"--user={administrator.username}",
        f"--output={out}",
        stdout=io.StringIO(),
    )

    assert "resident.json" in zipfile.ZipFile(out).namelist()
    assert AuditEntry.objects.get().reason == "Request by post"
