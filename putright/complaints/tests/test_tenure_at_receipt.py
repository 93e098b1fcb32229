"""Each complaint's tenure at receipt (TSM CH01 counts complaints by it) is stored on the
complaint by one rule, at receipt and whenever the resident's tenancies change, and a
complaint not written yet is looked up by the reports and written by the fill (issue 19).
Random histories through the services: reporting/tests/test_fast_equals_slow.py."""

from datetime import date, timedelta

import pytest

from putright.complaints.models import Complaint
from putright.complaints.services.common import timeliness_fill
from putright.complaints.tests.stories import received
from putright.people import services as people_services
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.reporting import selectors
from putright.reporting.figures import Period

pytestmark = pytest.mark.django_db


def _stored(complaint: Complaint) -> str | None:
    return Complaint.objects.get(pk=complaint.pk).tenure_at_receipt


def test_received_stores_the_tenure_held_that_day_and_a_new_tenancy_moves_it(monday, handler):
    rosa = ResidentFactory()
    TenancyFactory(resident=rosa, home=rosa.home, tenure="lcra", start_on=date(2019, 4, 1))
    complaint = received(resident=rosa, actor=handler, on=monday - timedelta(days=7))
    assert _stored(complaint) == "lcra"
    # A tenancy started after the receipt changes nothing; one started by then, the tenure.
    people_services.tenancy_start(
        resident=rosa, home=rosa.home, tenure="leasehold", start_on=monday
    )
    assert _stored(complaint) == "lcra"
    people_services.tenancy_start(
        resident=rosa, home=rosa.home, tenure="lcho", start_on=monday - timedelta(days=7)
    )
    assert _stored(complaint) == "lcho"
    # None at all on the day: "" (written, with no tenure), not null (not written).
    newcomer = ResidentFactory()
    assert _stored(received(resident=newcomer, actor=handler)) == ""


def test_a_merge_and_its_reversal_move_the_tenure_at_receipt(monday, handler, officer):
    rosa = ResidentFactory()
    TenancyFactory(resident=rosa, home=rosa.home, tenure="lcho", start_on=date(2019, 4, 1))
    twin = people_services.resident_add(full_name="Rosa  Bell", actor=handler)
    complaint = received(resident=twin, actor=handler)
    assert _stored(complaint) == ""
    merge = people_services.residents_merge(
        kept=rosa, merged=twin, reason="Same person", actor=officer
    )
    assert _stored(complaint) == "lcho"
    people_services.residents_merge_reverse(merge=merge, reason="Not the same", actor=officer)
    assert _stored(complaint) == ""


def test_a_complaint_not_written_yet_is_looked_up_by_the_reports_and_written_by_the_fill(
    monday, handler
):
    home = PropertyFactory()
    people = [ResidentFactory(home=home) for _ in range(2)]
    for person, tenure in zip(people, ("lcra", "lcho"), strict=True):
        TenancyFactory(resident=person, home=home, tenure=tenure, start_on=date(2019, 4, 1))
    complaints = [received(resident=person, actor=handler) for person in people]
    # As if loaded around the services (a restore, the bench's bulk load): not written.
    Complaint.objects.filter(pk=complaints[0].pk).update(tenure_at_receipt=None)
    period = Period(monday - timedelta(days=30), monday + timedelta(days=30), "")

    def tenures() -> dict[str, int]:
        groups = selectors.stage_counts(period, on=monday).received
        return {g.tenure: g.n for g in groups}

    assert tenures() == {"lcra": 1, "lcho": 1}
    timeliness_fill()
    assert [_stored(c) for c in complaints] == ["lcra", "lcho"]
    assert tenures() == {"lcra": 1, "lcho": 1}


def test_a_refresh_writes_only_the_complaints_whose_tenure_moves(monday, handler):
    """`refresh_tenure_at_receipt` rewrites no row whose stored tenure is already right: an
    UPDATE writes a new version of every row it matches, with an entry in each of the
    complaint's indexes, and an import's chunk refreshes every complaint of each resident
    whose tenancy it moves. A row not written yet (null) and a row that is wrong are
    written; it answers how many."""
    from putright.complaints.services.common import refresh_tenure_at_receipt

    rosa = ResidentFactory()
    TenancyFactory(resident=rosa, home=rosa.home, tenure="lcra", start_on=date(2019, 4, 1))
    right, wrong, unwritten = (
        received(resident=rosa, actor=handler, on=monday - timedelta(days=d)) for d in (9, 8, 7)
    )
    Complaint.objects.filter(pk=wrong.pk).update(tenure_at_receipt="lcho")
    Complaint.objects.filter(pk=unwritten.pk).update(tenure_at_receipt=None)
    theirs = Complaint.objects.filter(resident=rosa)
    assert refresh_tenure_at_receipt(theirs) == 2
    assert [_stored(c) for c in (right, wrong, unwritten)] == ["lcra"] * 3
    assert refresh_tenure_at_receipt(theirs) == 0
