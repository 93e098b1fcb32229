"""Residents, representatives and starting points shared by the people, intake and portal tests.

Import the fixtures into a conftest with ``from putright.intake.tests.personas import *``.
"""

from datetime import date

import pytest

from putright.complaints.factories import CategoryFactory
from putright.complaints.tests.stories import MONDAY, acknowledged, received, responded, travel
from putright.people.factories import ResidentFactory, TenancyFactory
from putright.people.models import Representative

__all__ = [
    "category",
    "monday",
    "responded_complaint",
    "rosa",
    "rosas_complaint",
    "rosas_daughter",
    "tom",
    "toms_complaint",
]


@pytest.fixture
def monday(time_machine) -> date:
    """Today is Monday 2 March 2026, 10:00 in London, and the clock stands still."""
    travel(time_machine, MONDAY)
    return MONDAY


@pytest.fixture
def category(db):
    return CategoryFactory(code="repairs", name="Repairs")


@pytest.fixture
def rosa(db):
    """Rosa Bell, a tenant on a low-cost rental."""
    resident = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    TenancyFactory(resident=resident, home=resident.home)
    return resident


@pytest.fixture
def tom(db):
    """Tom Hart, another tenant: Rosa must never see his complaints."""
    resident = ResidentFactory(full_name="Tom Hart", email="tom.hart@example.org")
    TenancyFactory(resident=resident, home=resident.home)
    return resident


@pytest.fixture
def rosas_complaint(monday, rosa, category, handler):
    """Rosa's complaint about a leak, received by phone today."""
    return received(resident=rosa, actor=handler, category=category)


@pytest.fixture
def responded_complaint(rosas_complaint, handler):
    """Rosa's complaint, acknowledged and answered at stage 1 today."""
    return responded(acknowledged(rosas_complaint, actor=handler), actor=handler)


@pytest.fixture
def toms_complaint(monday, tom, category, handler):
    return received(resident=tom, actor=handler, category=category, description="Broken boiler.")


@pytest.fixture
def rosas_daughter(rosa, monday):
    """Ruth Bell, Rosa's daughter, authorised for all Rosa's complaints since 1 February."""
    return Representative.objects.create(
        resident=rosa,
        full_name="Ruth Bell",
        relationship=Representative.Relationship.RELATIVE,
        email="ruth.bell@example.org",
        form_received=True,
        authorised_on=date(2026, 2, 1),
        letters_to_representative=True,
        copy_to_resident=True,
    )
