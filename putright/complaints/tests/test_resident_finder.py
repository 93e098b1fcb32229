"""Logging a complaint: find the resident by any detail, paged; someone new needs a home and a
tenure; possible duplicates are shown before a new record is made."""

import pytest

from putright.complaints.models import Complaint
from putright.complaints.tests.pages import page_text
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.models import Resident

pytestmark = pytest.mark.django_db

NEW = {
    "channel": "phone",
    "received_on": "2026-03-02",
    "description": "The lift has been broken for a week.",
    "new_resident_name": "Rosa Bell",
    "new_address_line_1": "12 Mill Lane",
    "new_town": "Exampleton",
    "new_postcode": "EX1 2AB",
    "new_tenure": "lcra",
}


@pytest.fixture
def hamid(client, handler):
    client.force_login(handler)
    return handler


@pytest.fixture
def rosa(db):
    home = PropertyFactory(
        address_line_1="12 Mill Lane", town="Exampleton", postcode="EX1 2AB", uprn="UPRN-7781"
    )
    rosa = ResidentFactory(
        full_name="Rosa Bell", email="rosa@example.org", phone="07700 900123", home=home
    )
    TenancyFactory(resident=rosa, home=home)
    return rosa


@pytest.mark.parametrize(
    "query",
    [
        "bell",
        "rosa b",
        "mill lane",
        "EX1 2AB",
        "ex12ab",
        "ROSA@example.org",
        "+44 7700 900123",
        "uprn-7781",
        "7781",
    ],
)
def test_the_finder_finds_a_resident_by_any_detail(client, hamid, monday, rosa, query):
    ResidentFactory(full_name="Someone Else")
    page = client.get("/complaints/new/", {"find": query}).content.decode()
    assert f"1 resident match “{query}”" in page_text(page)
    assert f'value="{rosa.pk}"' in page


def test_the_finder_pages_through_every_match_instead_of_stopping_at_ten(client, hamid, monday):
    ahmeds = [ResidentFactory(full_name=f"Ahmed Number{i}") for i in range(13)]
    first = client.get("/complaints/new/", {"find": "Ahmed"}).content.decode()
    assert "13 residents match “Ahmed”: 1 to 10 shown." in page_text(first)
    assert "Page 1 of 2" in page_text(first)
    second = client.get("/complaints/new/", {"find": "Ahmed", "rpage": 2}).content.decode()
    shown = {r.pk for r in ahmeds if f'value="{r.pk}"' in second}
    assert shown == {r.pk for r in ahmeds[:3]}  # the oldest three: newest records first


def test_the_finder_says_clearly_when_nobody_matches(client, hamid, monday, rosa):
    text = page_text(client.get("/complaints/new/", {"find": "Zebedee"}).content.decode())
    assert "No resident matches “Zebedee”" in text


def test_someone_new_needs_an_address_and_a_tenure(client, hamid, monday):
    data = {**NEW, "new_address_line_1": "", "new_postcode": "nonsense", "new_tenure": ""}
    response = client.post("/complaints/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"new_address_line_1", "new_postcode", "new_tenure"}
    assert not Resident.objects.exists()


def test_a_non_customer_is_recorded_with_their_address_for_letters(client, hamid, monday):
    data = {**NEW, "new_tenure": "non_customer", "new_town": "", "new_postcode": ""}
    assert client.post("/complaints/new/", data).status_code == 302
    resident = Complaint.objects.get().resident
    assert (resident.is_customer, resident.home, resident.postal_address) == (
        False,
        None,
        "12 Mill Lane",
    )


def test_possible_duplicates_are_shown_before_a_new_record_is_made(client, hamid, monday, rosa):
    refused = client.post("/complaints/new/", {**NEW, "new_resident_name": "ROSA  BELL"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "may already be this person" in page
    assert f'value="{rosa.pk}"' in page  # offered as a choice
    assert Resident.objects.count() == 1
    # Choosing the existing record logs against it.
    chosen = client.post("/complaints/new/", {**NEW, "resident": rosa.pk})
    assert chosen.status_code == 302
    assert Complaint.objects.get().resident == rosa


def test_a_duplicate_by_phone_can_be_confirmed_as_someone_new(client, hamid, monday, rosa):
    data = {**NEW, "new_resident_name": "Sam Bell", "new_resident_phone": "07700900123"}
    assert client.post("/complaints/new/", data).status_code == 400
    confirmed = client.post("/complaints/new/", {**data, "confirm_new": "on"})
    assert confirmed.status_code == 302
    assert Complaint.objects.get().resident.full_name == "Sam Bell"
    # The same home is reused, not recorded twice.
    assert Complaint.objects.get().resident.home == rosa.home
