"""A complaint just received gets its search row in one INSERT (`search.index_new_rows`, from the
rows in memory), equal to the row `search.reindex` builds from the database."""

import pytest
from django.forms.models import model_to_dict

from putright.complaints import search
from putright.complaints.models import Category, ComplaintSearch
from putright.complaints.tests.stories import received
from putright.people.factories import PropertyFactory
from putright.people.models import Resident
from putright.people.services import resident_add

pytestmark = pytest.mark.django_db


def _row(complaint_id: int) -> dict:
    return model_to_dict(ComplaintSearch.objects.get(complaint_id=complaint_id))


def test_a_new_complaints_search_row_is_the_row_reindex_builds(monday, handler):
    homes = [
        PropertyFactory(address_line_1="12 Mill Lane", town="Exampleton", postcode="ex1 2ab"),
        PropertyFactory(address_line_1="3 Church Road", town="Otherton", postcode="OT3 9ZZ"),
    ]
    housed = resident_add(
        full_name="Rosa Bell",
        email="Rosa.Bell@Example.org",
        phone="07700 900123",
        home=homes[0],
        actor=handler,
    )
    homeless = resident_add(full_name="Ahmed Khan", email="ahmed@example.net", actor=handler)
    category = Category.objects.create(code="repairs", name="Repairs and maintenance")
    cases = [
        {"resident": housed},  # the resident's home
        {"resident": housed, "home": homes[1], "category": category},  # another home
        {"resident": housed, "home": homes[0]},  # the same home, given
        {"resident": homeless, "outcome_wanted": "An apology"},  # no home at all
        # The resident as the API reads it (its home in memory), and as a bare id.
        {"resident": Resident.objects.select_related("home").get(pk=housed.pk)},
        {"resident": Resident.objects.get(pk=housed.pk)},
    ]
    for extra in cases:
        complaint = received(actor=handler, description="Leak in the roof", **extra)
        written = _row(complaint.pk)
        assert search.reindex([complaint.pk]) == 1
        assert written == _row(complaint.pk), extra
        assert written["document"]  # not an empty row that merely matches another empty one


def test_a_resident_corrected_after_being_read_is_found_as_corrected_on_a_new_complaint(handler):
    """The API reads the resident, then a correction to them commits (the admin's rename and
    new home, which reindexes their complaints: none has this one yet), then the complaint is
    written: its search row is built from the resident as they are now, read again with the
    facts it stores (no extra query), not from the copy read before. (The complaint's own home
    stays the one it was received about, as read: a home is the complaint's record.)"""
    from putright.people import services as people_services

    rosa = Resident.objects.create(
        full_name="Rosa Bellweather", home=PropertyFactory(address_line_1="4 Oldacre Lane")
    )
    stale = Resident.objects.select_related("home").get(pk=rosa.pk)  # read with their home
    moved_to = PropertyFactory(address_line_1="9 Quennell Row")
    Resident.objects.filter(pk=rosa.pk).update(full_name="Rosa Tarrant", home=moved_to)
    people_services.residents_edited([rosa.pk])
    complaint = received(resident=stale, actor=handler)
    assert search.search("Tarrant")[:10] == [complaint.pk]
    assert search.search("Quennell")[:10] == [complaint.pk]
    assert search.search("Bellweather")[:10] == []
