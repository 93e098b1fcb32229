"""One sanctioned, audited way past the append-only case record; every other is refused."""

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from putright.complaints.models import CaseEvent, Correspondence
from putright.complaints.models.record import RECORD_IS_APPEND_ONLY
from putright.complaints.tests.stories import received, travel
from putright.privacy.constants import AuditKind
from putright.privacy.models import AuditEntry, RedactionGrant
from putright.privacy.redaction import redaction
from putright.privacy.tests.conftest import TODAY, raw_update_is_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(time_machine, rosa, handler):
    travel(time_machine, TODAY)
    return received(resident=rosa, actor=handler).events.get(code="complaint.received")


def test_an_ordinary_update_of_the_record_is_still_refused_by_the_database(event):
    assert raw_update_is_refused(event)
    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        CaseEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    assert CaseEvent.objects.get(pk=event.pk).summary == event.summary


def test_inside_the_window_the_update_passes_and_is_audited(event, administrator):
    with redaction(
        kind=AuditKind.ERASURE, day=TODAY, actor=administrator, reason="Request by letter"
    ) as work:
        work.text(CaseEvent.objects.filter(pk=event.pk), "summary")

    assert CaseEvent.objects.get(pk=event.pk).summary.startswith("[removed at the resident")
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.fields_removed) == (
        AuditKind.ERASURE,
        administrator,
        1,
    )


def test_the_window_closes_with_the_redaction_even_inside_a_longer_transaction(event):
    with transaction.atomic():
        with redaction(kind=AuditKind.RETENTION, day=TODAY, actor=None):
            pass
        assert raw_update_is_refused(event)
    assert not RedactionGrant.objects.exists()


def test_a_failed_redaction_leaves_the_record_and_the_audit_untouched(event):
    def fail_half_way() -> None:
        with redaction(kind=AuditKind.RETENTION, day=TODAY, actor=None) as work:
            work.text(CaseEvent.objects.filter(pk=event.pk), "summary")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        fail_half_way()

    assert CaseEvent.objects.get(pk=event.pk).summary == event.summary
    assert not AuditEntry.objects.exists()
    assert raw_update_is_refused(event)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps no DELETE trigger.")
def test_even_inside_the_window_the_database_refuses_a_delete(event):
    with (
        redaction(kind=AuditKind.RETENTION, day=TODAY, actor=None),
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM complaints_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_grant_left_behind_cannot_be_committed():
    with pytest.raises(IntegrityError), transaction.atomic():
        RedactionGrant.objects.create(tripwire_id=0)

    assert not RedactionGrant.objects.exists()


def test_the_redaction_path_is_the_only_code_that_opens_the_window():
    """No other module sets the flag, makes a grant or calls the base update directly."""
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "privacy" / "redaction.py"}
    pattern = re.compile(r"putright\.redaction|RedactionGrant\.objects|QuerySet\.update\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in allowed
        and "migrations" not in path.parts
        and "tests" not in path.parts
        and pattern.search(path.read_text())
    ]
    assert offenders == []
    assert Correspondence  # the record models the window serves


def test_the_audit_log_cannot_be_rewritten_or_deleted(event):
    with redaction(kind=AuditKind.RETENTION, day=TODAY, actor=None):
        pass
    entry = AuditEntry.objects.get()

    with pytest.raises(PermissionError):
        AuditEntry.objects.update(reason="Nothing happened")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get().reason == ""
