"""A resident just added gets their search row in one INSERT (`search.index_new_rows`, from
the rows in memory), equal to the row `search.reindex` builds from the database."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from putright.people import search
from putright.people.factories import PropertyFactory
from putright.people.models import Property, ResidentSearch
from putright.people.services import resident_add

pytestmark = pytest.mark.django_db


def _row(resident_id: int) -> dict:
    return model_to_dict(ResidentSearch.objects.get(resident_id=resident_id))


def test_a_new_residents_search_row_is_the_row_reindex_builds(handler, django_assert_num_queries):
    home = PropertyFactory(
        uprn="UPRN-7", address_line_1="12 Mill Lane", town="Exampleton", postcode="ex1 2ab"
    )
    people = [
        {"full_name": "Rosa Bell", "email": "Rosa.Bell@Example.org", "phone": "07700 900123"},
        {"full_name": "Ahmed Khan", "home": home},
        # The home as read back (not the instance the factory made).
        {
            "full_name": "Li Wei",
            "phone": "+44 7700 900456",
            "home": Property.objects.get(pk=home.pk),
        },
        {"full_name": "Sam Oak", "correspondence_address": "4 Elm Row\nOtherton OT3 9ZZ"},
    ]
    for extra in people:
        with django_assert_num_queries(2):  # the resident and its search row, nothing read
            resident = resident_add(actor=handler, **extra)
        written = _row(resident.pk)
        assert search.reindex([resident.pk]) == 1
        assert written == _row(resident.pk), extra
        assert written["document"]


def test_a_tenancy_of_another_home_is_in_the_search_row_and_of_their_own_adds_nothing(
    handler, django_assert_num_queries
):
    """`tenancy_start`: the finder finds a resident at every home they hold; their own home is
    in the row already, so starting its tenancy writes the tenancy and no search row (the
    second query is their complaints' tenure at receipt, `on_tenancy_change`; on PostgreSQL
    the resident is held for that first, `residents_facts_changing`)."""
    from datetime import date

    from putright.people.services import tenancy_start

    own = PropertyFactory(address_line_1="12 Mill Lane", postcode="EX1 2AB")
    other = PropertyFactory(address_line_1="9 Quay Street", postcode="OT3 9ZZ")
    resident = resident_add(actor=handler, full_name="Rosa Bell", home=own)
    with django_assert_num_queries(2 + (connection.vendor == "postgresql")):
        tenancy_start(resident=resident, home=own, tenure="lcra", start_on=date(2024, 1, 1))
    assert search.find("Quay Street")[0:5] == []
    tenancy_start(resident=resident, home=other, tenure="lcra", start_on=date(2025, 1, 1))
    assert search.find("Quay Street")[0:5] == [resident.pk]
    assert search.find("Mill Lane")[0:5] == [resident.pk]
    written = _row(resident.pk)
    search.reindex([resident.pk])
    assert written == _row(resident.pk)
