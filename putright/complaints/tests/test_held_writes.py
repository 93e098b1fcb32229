"""Held writes (core.held): the services decide in memory and a chunk is written at once.

The import's bulk path is held to the row-by-row one on random histories
(imports/tests/test_fast_equals_row_by_row.py); these pin the mechanism itself.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.accounts import factories as accounts
from putright.complaints import services
from putright.complaints.calendar import calendar_pinned
from putright.complaints.events import replaying_history
from putright.complaints.models import CaseEvent, Complaint, ComplaintSearch, Stage
from putright.core import held
from putright.core.errors import ComplaintError
from putright.people.factories import ResidentFactory
from putright.people.models import Property, Resident

pytestmark = pytest.mark.django_db


def receive(resident, actor, on):
    return services.complaint_receive(
        resident=resident,
        channel="phone",
        received_on=on,
        description="Leak",
        actor=actor,
        logged_on=on,
    ).complaint


def test_held_complaints_are_written_in_one_go_numbered_in_order_and_indexed():
    resident, officer = ResidentFactory(), accounts.officer()
    receive(resident, officer, date(2025, 4, 1))  # CMP-2025-000001, written at once
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        with CaptureQueriesContext(connection) as deciding:  # the calendar is read once
            with writes.row():
                first = receive(resident, officer, date(2025, 4, 2))
            with writes.row():
                second = receive(resident, officer, date(2025, 4, 3))
        assert len(deciding) == 0
        assert (first.pk, Complaint.objects.count()) == (None, 1)
        with held.released(), CaptureQueriesContext(connection) as writing:
            writes.flush()
    assert [first.reference, second.reference] == ["CMP-2025-000002", "CMP-2025-000003"]
    assert Stage.objects.filter(complaint__in=[first, second]).count() == 2
    assert CaseEvent.objects.filter(complaint__in=[first, second]).count() == 2
    assert ComplaintSearch.objects.filter(complaint__in=[first, second]).count() == 2
    assert len(writing) < 15  # one INSERT per table, the counter, the search rows


def test_a_row_the_services_refuse_leaves_nothing_held():
    resident, officer = ResidentFactory(), accounts.officer()

    def refused_row(writes):
        with writes.row():
            complaint = receive(resident, officer, date(2025, 4, 2))
            services.complaint_close(complaint=complaint, reason="Done", actor=officer)

    with replaying_history(), held.holding() as writes:
        with pytest.raises(ComplaintError):  # not answered yet: cannot be closed
            refused_row(writes)
        assert len(writes) == 0
        with held.released():
            writes.flush()
    assert Complaint.objects.count() == CaseEvent.objects.count() == 0


def test_outside_holding_the_services_write_at_once():
    complaint = receive(ResidentFactory(), accounts.officer(), date(2025, 4, 2))
    assert complaint.pk is not None
    assert complaint.reference == "CMP-2025-000001"


def test_a_held_resident_s_held_home_is_the_complaint_s_home_once_written():
    """A complaint received without a home takes its resident's; while an import holds both,
    the home has no id yet, so the complaint is given the row and the writer takes its id."""
    officer = accounts.officer()
    with replaying_history(), held.holding() as writes:
        with writes.row():
            home = held.create(Property, address_line_1="1 High St", town="X", postcode="EX1 1AA")
            resident = held.create(Resident, full_name="Rosa Bell", home=home)
            complaint = receive(resident, officer, date(2025, 4, 2))
        with held.released():
            writes.flush()
    assert home.pk is not None
    assert Complaint.objects.get(pk=complaint.pk).home_id == home.pk
