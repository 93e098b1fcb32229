"""A resident's name, contact details or home, or a home's address, corrected in the admin
(where staff keep reference data up to date): the resident finder and "search everything"
find them by what they are now, at once, not after a ``search_reindex`` run. The admin saves
around the services, so it tells `services.residents_edited` / `services.homes_edited`."""

from datetime import timedelta

import pytest

from putright.complaints import search as complaint_search
from putright.complaints.tests.stories import received
from putright.people import search
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.tests.test_admin_tenancies import _form_data

pytestmark = pytest.mark.django_db


def _complaints_found(query: str) -> list[int]:
    return list(complaint_search.search(query)[0:10])


def _changed_in_the_admin(client, url: str, **changes: str):
    """The admin's change page posted back as loaded, with `changes` to its fields."""
    data = {**_form_data(client.get(url)), **changes}
    return client.post(url, data)


def test_a_name_and_email_corrected_in_the_admin_are_found_by_both_finders(
    admin_client, monday, handler
):
    rosa = ResidentFactory(full_name="Rosa Bel", email="rosa.bel@example.org")
    complaint = received(resident=rosa, actor=handler, on=monday - timedelta(days=2))

    response = _changed_in_the_admin(
        admin_client,
        f"/admin/people/resident/{rosa.pk}/change/",
        full_name="Rosa Quennell",
        email="rosa.quennell@example.org",
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert search.find("Quennell")[0:5] == [rosa.pk]
    assert search.find("rosa.quennell@example.org")[0:5] == [rosa.pk]
    assert _complaints_found("Quennell") == [complaint.pk]
    assert _complaints_found("rosa.quennell@example.org") == [complaint.pk]
    assert _complaints_found("Bel") == []  # the old name finds it no more


def test_an_address_corrected_in_the_admin_is_found_for_everyone_there(
    admin_client, monday, handler
):
    home = PropertyFactory(address_line_1="12 Mil Lane", postcode="EX1 2AB")
    rosa = ResidentFactory(home=home)
    sam = ResidentFactory()  # lives elsewhere, holds a tenancy of it
    TenancyFactory(resident=sam, home=home)
    theirs = received(resident=rosa, actor=handler, on=monday - timedelta(days=2))
    about = received(resident=sam, actor=handler, home=home, on=monday - timedelta(days=1))

    response = _changed_in_the_admin(
        admin_client,
        f"/admin/people/property/{home.pk}/change/",
        address_line_1="12 Millstream Lane",
        postcode="EX1 9ZZ",
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert sorted(search.find("Millstream")[0:5]) == sorted([rosa.pk, sam.pk])
    assert search.find("EX1 9ZZ")[0:5] == [rosa.pk]  # by postcode: their own home's
    assert sorted(_complaints_found("Millstream")) == sorted([theirs.pk, about.pk])
    assert sorted(_complaints_found("EX1 9ZZ")) == sorted([theirs.pk, about.pk])
