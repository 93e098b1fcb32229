from datetime import date

import pytest

from putright.complaints.factories import CategoryFactory
from putright.complaints.tests.stories import travel

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(time_machine, db):
    """Today is Monday 2 March 2026; the imported history is from 2025."""
    travel(time_machine, TODAY)


@pytest.fixture(autouse=True)
def _reference_data(db, handler, second_handler):
    """The categories and staff an import refers to: Hamid and Hannah handled cases."""
    CategoryFactory(code="repairs", name="Repairs")
    CategoryFactory(code="damp-mould", name="Damp and mould")
