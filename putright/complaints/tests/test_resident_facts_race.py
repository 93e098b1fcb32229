"""A new complaint stores two facts about its resident as they are when it is written: whether
they have an active vulnerability (the queue's "vulnerable resident" filter, Code 5.10, 6.1)
and their tenure on the day of receipt (TSM CH01). Each change to those facts writes them again
on the resident's complaints. These tests make the change and the new complaint overlap on
PostgreSQL, where both run at once under READ COMMITTED: one transaction stops before its commit
while the other runs, and the stored fact must be the true one whichever goes first
(``people.services.residents_facts_read``). SQLite runs one write transaction at a time."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.core.clock import today
from putright.people import services as people_services
from putright.people.factories import PropertyFactory, TenancyFactory
from putright.people.models import Tenure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time (BEGIN IMMEDIATE)",
    ),
]


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


def overlapping(first: Callable[[], Any], then: Callable[[], Any]) -> list[Any]:
    """Run `first` in a transaction that waits before its commit while `then` runs in another
    thread; `first` commits once `then` has finished or is seen waiting for a lock (it must not
    wait for ever on a transaction that is itself waiting for the test). Both results."""
    results: list[Any] = [None, None]
    errors: list[BaseException] = []
    written, commit = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                results[0] = first()
                written.set()
                commit.wait(timeout=30)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            written.set()
            connection.close()

    def run_then() -> None:
        try:
            results[1] = then()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert written.wait(timeout=30)
    second = threading.Thread(target=run_then)
    second.start()
    deadline = time.monotonic() + 10
    while second.is_alive() and not _someone_waits_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    commit.set()
    holder.join(timeout=30)
    second.join(timeout=30)
    assert not holder.is_alive()
    assert not second.is_alive()
    assert not errors, errors
    return results


def _vulnerability(resident: Any, actor: Any) -> Any:
    return people_services.vulnerability_add(
        resident=resident,
        description="Hearing loss: write, do not phone.",
        consent_given=True,
        actor=actor,
        review_on=today() + timedelta(days=90),
    )


@transaction.atomic  # as its callers do (a new resident's form, the admin)
def _tenancy(resident: Any, home: Any) -> Any:
    return people_services.tenancy_start(
        resident=resident, home=home, tenure=Tenure.LEASEHOLD, start_on=today()
    )


def test_a_vulnerability_recorded_while_a_complaint_is_written_flags_the_complaint(
    resident, category, handler
):
    complaint, _ = overlapping(
        lambda: received(resident=resident, actor=handler, category=category),
        lambda: _vulnerability(resident, handler),
    )

    assert Complaint.objects.get(pk=complaint.pk).resident_vulnerable is True


def test_a_complaint_written_while_a_vulnerability_is_recorded_is_flagged(
    resident, category, handler
):
    _, complaint = overlapping(
        lambda: _vulnerability(resident, handler),
        lambda: received(resident=resident, actor=handler, category=category),
    )

    assert Complaint.objects.get(pk=complaint.pk).resident_vulnerable is True


def test_a_vulnerability_ended_while_a_complaint_is_written_unflags_the_complaint(
    resident, category, handler
):
    vulnerability = _vulnerability(resident, handler)

    complaint, _ = overlapping(
        lambda: received(resident=resident, actor=handler, category=category),
        lambda: people_services.support_review(
            item=vulnerability, still_needed=False, actor=handler
        ),
    )

    assert Complaint.objects.get(pk=complaint.pk).resident_vulnerable is False


def test_a_tenancy_started_while_a_complaint_is_written_gives_the_complaint_its_tenure(
    resident, category, handler
):
    TenancyFactory(resident=resident, tenure=Tenure.LOW_COST_RENTAL)
    new_home = PropertyFactory()

    complaint, _ = overlapping(
        lambda: received(resident=resident, actor=handler, category=category),
        lambda: _tenancy(resident, new_home),
    )

    assert Complaint.objects.get(pk=complaint.pk).tenure_at_receipt == Tenure.LEASEHOLD


def test_a_complaint_written_while_a_tenancy_starts_takes_the_new_tenure(
    resident, category, handler
):
    TenancyFactory(resident=resident, tenure=Tenure.LOW_COST_RENTAL)
    new_home = PropertyFactory()

    _, complaint = overlapping(
        lambda: _tenancy(resident, new_home),
        lambda: received(resident=resident, actor=handler, category=category),
    )

    assert Complaint.objects.get(pk=complaint.pk).tenure_at_receipt == Tenure.LEASEHOLD
