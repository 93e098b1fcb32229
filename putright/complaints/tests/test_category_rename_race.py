"""A complaint moved into a category (the import's correction) at the moment the category is
renamed, on PostgreSQL, where both run at once under READ COMMITTED: whichever commits first,
its search row ends with the new name (``services.categories.category_hold``). SQLite runs one
write transaction at a time."""

from typing import Any

import pytest
from django.db import connection, transaction

from putright.complaints import search
from putright.complaints.factories import CategoryFactory
from putright.complaints.services import categories
from putright.complaints.tests.stories import received
from putright.complaints.tests.test_resident_facts_race import overlapping

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time (BEGIN IMMEDIATE)",
    ),
]


@transaction.atomic  # as the import's correction, in its chunk's transaction
def _moved(complaint: Any, category: Any) -> None:
    categories.category_hold(category.pk)
    complaint.category = category
    complaint.save(update_fields=["category"])
    search.reindex([complaint.pk])


def _renamed(category: Any, name: str, actor: Any) -> Any:
    category.name = name
    return categories.category_save(category=category, actor=actor)


@pytest.mark.parametrize("first", ["rename", "move"])
def test_a_complaint_moved_in_as_its_category_is_renamed_is_found_by_the_new_name(
    first, monday, resident, handler
):
    brickwork = CategoryFactory(code="brickwork", name="Brickwork")
    roofing = CategoryFactory(code="roofing", name="Roofing")
    complaint = received(resident=resident, actor=handler, category=roofing)
    rename = lambda: _renamed(brickwork, "Masonry", handler)  # noqa: E731
    move = lambda: _moved(complaint, brickwork)  # noqa: E731

    overlapping(rename, move) if first == "rename" else overlapping(move, rename)

    assert search.search("Masonry")[0:5] == [complaint.pk]
    assert search.search("Brickwork")[0:5] == []
