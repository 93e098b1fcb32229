"""manage.py import_complaints, as an officer runs it on the day they switch to PutRight."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from putright.complaints.models import Complaint
from putright.imports.tests.sheets import csv_bytes, dump, row


@pytest.fixture
def history(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(row(), row(legacy_reference="OLD-2"), row(legacy_reference="OLD-3")))
    return path


def command(*args) -> str:
    out = StringIO()
    call_command("import_complaints", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_imports_and_shows_progress(history, officer, monkeypatch):
    monkeypatch.setattr("putright.imports.services.PROGRESS_EVERY", 2)
    output = command(history, "--user", "olivia")
    assert "  checked 2 rows" in output
    assert "  imported 2 of 3 rows" in output
    assert "Imported 3 rows" in output
    assert "3 created, 0 updated, 0 unchanged, 0 skipped as invalid" in output
    assert Complaint.objects.count() == 3


def test_a_dry_run_from_the_command_line_writes_nothing(history):
    before = dump()
    output = command(history, "--dry-run")
    assert "Would import 3 rows" in output
    assert "Dry run: nothing was written." in output
    assert dump() == before


def test_an_invalid_file_lists_each_problem_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(row(), row(legacy_reference="OLD-2", s1_decision="")))
    out = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_complaints", str(path), stdout=out)
    assert "Row 3, s1_decision: Missing required value." in out.getvalue()
    assert Complaint.objects.count() == 0


def test_skip_invalid_from_the_command_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(row(), row(legacy_reference="OLD-2", s1_decision="")))
    output = command(path, "--skip-invalid")
    assert "1 created" in output
    assert "1 skipped as invalid" in output
    assert "Row 3, s1_decision: Missing required value." in output


def test_a_missing_file_or_user_is_a_clear_error(tmp_path, history):
    with pytest.raises(CommandError, match="No such file"):
        command(tmp_path / "nope.csv")
    with pytest.raises(CommandError, match="No user called 'zed'"):
        command(history, "--user", "zed")
