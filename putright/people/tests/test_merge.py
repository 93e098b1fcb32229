"""Merging duplicate residents: everything moves, locked, recorded in both, reversible once."""

import pytest

from putright.complaints import search as complaint_search
from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.people import search, selectors, services
from putright.people.factories import PropertyFactory
from putright.people.models import Adjustment, Resident, ResidentMerge, Tenancy, Vulnerability

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(monday, handler):
    """Rosa Bell, twice: the second record logged in a hurry with no home."""
    home = PropertyFactory(address_line_1="12 Mill Lane", postcode="EX1 2AB")
    rosa = services.resident_add(
        full_name="Rosa Bell", email="rosa@example.org", home=home, actor=handler
    )
    Tenancy.objects.create(resident=rosa, home=home, tenure="lcra", start_on=monday)
    twin = services.resident_add(full_name="Rosa  bell", phone="07700 900123", actor=handler)
    Adjustment.objects.create(resident=twin, kind="large_print")
    Vulnerability.objects.create(resident=twin, description="Hearing loss")
    first = received(resident=rosa, actor=handler)
    second = received(resident=twin, actor=handler, description="Mould in the bathroom")
    return rosa, twin, first, second


def test_a_merge_moves_everything_to_the_record_kept_and_keeps_the_duplicate(pair, officer):
    rosa, twin, first, second = pair
    merge = services.residents_merge(kept=rosa, merged=twin, reason="Same person", actor=officer)
    assert set(rosa.complaints.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert rosa.adjustments.count() == 1
    assert rosa.vulnerabilities.count() == 1
    twin.refresh_from_db()
    assert twin.merged_into == rosa  # kept, marked, not deleted
    assert not twin.complaints.exists()
    assert merge.moved == {
        "complaints.Complaint.resident": [second.pk],
        "people.Adjustment.resident": [twin.adjustments.model.objects.get().pk],
        "people.Vulnerability.resident": [Vulnerability.objects.get().pk],
    }
    # Search follows: the moved complaint is found by the kept record's email and postcode.
    assert complaint_search.search("rosa@example.org")[0:5] == [second.pk, first.pk]
    assert search.find("rosa bell")[0:5] == [rosa.pk]  # the duplicate is no longer offered


def test_both_records_show_the_merge(client, officer, pair):
    rosa, twin, *_ = pair
    services.residents_merge(kept=rosa, merged=twin, reason="Same date of birth", actor=officer)
    client.force_login(officer)
    kept_page = client.get(f"/people/{rosa.pk}/").content.decode()
    assert "Merged in from" in kept_page
    assert "Same date of birth" in kept_page
    away_page = client.get(f"/people/{twin.pk}/").content.decode()
    assert "Merged into" in away_page
    assert f'href="/people/{rosa.pk}/"' in away_page


def test_a_merge_is_refused_twice_and_into_itself(pair, officer):
    rosa, twin, *_ = pair
    services.residents_merge(kept=rosa, merged=twin, reason="Same", actor=officer)
    with pytest.raises(AlreadyDone):
        services.residents_merge(kept=rosa, merged=twin, reason="Same", actor=officer)
    with pytest.raises(InvalidInput):
        services.residents_merge(kept=rosa, merged=rosa, reason="Same", actor=officer)
    with pytest.raises(RuleBroken):  # into a record merged away
        services.residents_merge(
            kept=twin,
            merged=Resident.objects.create(full_name="Someone"),
            reason="x",
            actor=officer,
        )
    assert ResidentMerge.objects.count() == 1


def test_a_handler_may_not_merge(pair, handler):
    rosa, twin, *_ = pair
    with pytest.raises(RuleBroken):
        services.residents_merge(kept=rosa, merged=twin, reason="Same", actor=handler)
    assert not ResidentMerge.objects.exists()


def test_reversing_puts_back_exactly_what_moved_and_records_who_and_why(pair, officer, handler):
    rosa, twin, first, second = pair
    merge = services.residents_merge(kept=rosa, merged=twin, reason="Same", actor=officer)
    later = received(resident=rosa, actor=handler)  # logged against the kept record meanwhile
    services.residents_merge_reverse(merge=merge, reason="Twins, not one person", actor=officer)
    assert set(twin.complaints.values_list("pk", flat=True)) == {second.pk}
    assert set(rosa.complaints.values_list("pk", flat=True)) == {first.pk, later.pk}
    assert twin.adjustments.count() == 1
    twin.refresh_from_db()
    merge.refresh_from_db()
    assert twin.merged_into is None
    assert (merge.reversed_by, merge.reversal_reason) == (officer, "Twins, not one person")
    assert set(search.find("rosa bell")[0:5]) == {rosa.pk, twin.pk}
    with pytest.raises(AlreadyDone):
        services.residents_merge_reverse(merge=merge, reason="again", actor=officer)


def test_the_merge_page_offers_possible_duplicates_and_a_double_submit_merges_once(
    client, officer, pair
):
    rosa, twin, _first, second = pair
    # Same name (spacing and case aside) at the same postcode: offered without a search.
    Resident.objects.filter(pk=twin.pk).update(home=rosa.home)
    search.reindex([twin.pk])
    client.force_login(officer)
    page = client.get(f"/people/{rosa.pk}/merge/").content.decode()
    assert f"(record {twin.pk})" in page
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    data = {"duplicate": twin.pk, "reason": "Same person", "submission_token": token}
    first_answer = client.post(f"/people/{rosa.pk}/merge/", data)
    again = client.post(f"/people/{rosa.pk}/merge/", data)
    assert first_answer.status_code == again.status_code == 302
    assert ResidentMerge.objects.count() == 1
    assert Complaint.objects.get(pk=second.pk).resident_id == rosa.pk


def test_the_merge_page_finds_a_duplicate_by_phone_and_shows_errors(client, officer, pair):
    rosa, twin, *_ = pair
    client.force_login(officer)
    page = client.get(f"/people/{rosa.pk}/merge/", {"find": "07700900123"}).content.decode()
    assert f"(record {twin.pk})" in page
    refused = client.post(
        f"/people/{rosa.pk}/merge/", {"duplicate": twin.pk, "find": "07700900123"}
    )
    assert refused.status_code == 400
    assert "Say why these records are the same person." in refused.content.decode()


def test_a_handler_cannot_open_the_merge_page(client, handler, pair):
    rosa, *_ = pair
    client.force_login(handler)
    assert client.get(f"/people/{rosa.pk}/merge/").status_code == 403


def test_possible_duplicates_same_name_and_postcode_or_same_email_or_phone(pair, handler):
    rosa, twin, *_ = pair
    found = selectors.possible_duplicates(full_name="ROSA BELL", postcode="ex12ab")
    assert [r.pk for r in found] == [rosa.pk]
    assert [r.pk for r in selectors.possible_duplicates(full_name="X", phone="+447700900123")] == [
        twin.pk
    ]
    assert [
        r.pk for r in selectors.possible_duplicates(full_name="X", email="ROSA@example.org")
    ] == [rosa.pk]
    assert selectors.possible_duplicates(full_name="Rosa Bell", postcode="EX9 9ZZ") == []
