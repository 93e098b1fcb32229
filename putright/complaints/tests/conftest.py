"""Personas and starting points for complaint tests; the builders live in ``stories``."""

from datetime import date

import pytest

from putright.complaints.factories import CategoryFactory
from putright.complaints.tests.stories import MONDAY, acknowledged, received, travel
from putright.people.factories import ResidentFactory, TenancyFactory


@pytest.fixture
def monday(time_machine) -> date:
    """Today is Monday 2 March 2026, 10:00 in London, and the clock stands still."""
    travel(time_machine, MONDAY)
    return MONDAY


@pytest.fixture
def resident(db):
    """Rosa Bell, a tenant on a low-cost rental."""
    rosa = ResidentFactory(full_name="Rosa Bell", email="rosa.bell@example.org")
    TenancyFactory(resident=rosa, home=rosa.home)
    return rosa


@pytest.fixture
def category(db):
    return CategoryFactory(code="repairs", name="Repairs")


@pytest.fixture
def complaint(monday, resident, category, handler):
    """Rosa's complaint about a leak, received by phone today and not yet acknowledged."""
    return received(resident=resident, actor=handler, category=category)


@pytest.fixture
def open_complaint(complaint, handler):
    """Rosa's complaint, acknowledged and defined by Hamid today: stage 1 under way."""
    return acknowledged(complaint, actor=handler)
