"""An import and staff logging complaints for the same resident at the same moment, on
PostgreSQL (SQLite runs one write transaction at a time): both number complaints from the
year's reference counter, and both hold the resident while they read or change the facts
copied onto complaints (people.services.residents_facts_read / residents_facts_changing). The
chunk holds the residents whose tenancies it moves before it waits for the counter, the order
a live create takes them, so they wait in turn and neither is ended by a deadlock."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, received_only
from putright.people.factories import ResidentFactory
from putright.people.models import Resident, Tenancy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time"
    ),
]


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def _until(condition, seconds: float = 10) -> None:
    give_up = time.monotonic() + seconds
    while not condition() and time.monotonic() < give_up:
        time.sleep(0.02)


def test_an_import_moving_a_tenancy_and_a_create_for_the_same_resident_wait_in_turn(handler):
    first = received_only(legacy_reference="OLD-2001", received_on="2026-02-16")
    import_complaints(data=csv_bytes(first), file_name="first.csv")
    rosa = Resident.objects.get()
    sam = ResidentFactory()
    # Received before her tenancy's start: the chunk moves the tenancy's start (a change of
    # her facts, after the chunk's complaints are numbered).
    earlier = received_only(legacy_reference="OLD-2000", received_on="2026-02-02")
    errors: list[BaseException] = []
    results: dict[str, object] = {}
    holding, release = threading.Event(), threading.Event()

    def in_thread(name, call):
        def run():
            try:
                results[name] = call()
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                holding.set()
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def counter_held():  # someone else's create, holding the year's counter until released
        with transaction.atomic():
            received(resident=sam, actor=handler)
            holding.set()
            release.wait(timeout=30)

    threads = [in_thread("held", counter_held)]
    assert holding.wait(timeout=30)
    threads.append(
        in_thread(
            "import",
            lambda: import_complaints(data=csv_bytes(first, earlier), file_name="second.csv"),
        )
    )
    _until(lambda: _waiting_for_locks() >= 1)  # the chunk, at the counter
    threads.append(in_thread("create", lambda: received(resident=rosa, actor=handler)))
    _until(lambda: _waiting_for_locks() >= 2)  # her create too, at her row or at the counter
    release.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not [t for t in threads if t.is_alive()]
    assert not errors, errors
    report = results["import"]
    assert (report.created, report.issues) == (1, [])
    assert Tenancy.objects.get(resident=rosa).start_on == date(2026, 2, 2)
    assert Complaint.objects.filter(resident=rosa).count() == 3
    references = sorted(Complaint.objects.values_list("reference", flat=True))
    assert references == [f"CMP-2026-{n:06d}" for n in range(1, 5)]  # none lost, no gap
