"""Search everything: every complaint, open or closed, by each kind of query, on both engines.

The expected results below are written out by hand; the same test runs on SQLite (FTS5) and on
PostgreSQL (GIN over tsvector), so both engines must return exactly these complaints.
"""

import pytest

from putright.complaints import search
from putright.complaints.models import Complaint, ComplaintSearch
from putright.complaints.tests.pages import page_text
from putright.complaints.tests.stories import received
from putright.people.factories import PropertyFactory
from putright.people.services import resident_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(monday, handler):
    """Five people, six complaints (two closed), with names, homes and words that overlap."""
    home = {
        "rosa": PropertyFactory(
            address_line_1="12 Mill Lane", town="Exampleton", postcode="EX1 2AB", uprn="100001"
        ),
        "ahmed": PropertyFactory(
            address_line_1="3 Church Road", town="Exampleton", postcode="EX3 9ZZ", uprn="100002"
        ),
        "zoe": PropertyFactory(
            address_line_1="40 Millbrook Avenue", town="Otherton", postcode="OT4 1QQ", uprn="1003"
        ),
    }
    rosa = resident_add(
        full_name="Rosa Bell",
        email="Rosa.Bell@Example.org",
        phone="07700 900123",
        home=home["rosa"],
        actor=handler,
    )
    ahmed = resident_add(
        full_name="Ahmed Khan",
        email="ahmed@example.net",
        phone="+44 7700 900456",
        home=home["ahmed"],
        actor=handler,
    )
    ahmad = resident_add(full_name="Ahmad Bellamy", home=home["ahmed"], actor=handler)
    zoe = resident_add(full_name="Zoë Lewis-Smith", home=home["zoe"], actor=handler)
    made = {
        "rosa-leak": received(resident=rosa, actor=handler, description="A leak in the roof."),
        "rosa-noise": received(
            resident=rosa, actor=handler, description="Noise from next door.", channel="email"
        ),
        "ahmed-damp": received(resident=ahmed, actor=handler, description="Damp and mould again."),
        "ahmad-boiler": received(resident=ahmad, actor=handler, description="The boiler failed."),
        "zoe-fence": received(resident=zoe, actor=handler, description="The fence is broken."),
        "zoe-leak": received(resident=zoe, actor=handler, description="Leaking gutter."),
    }
    Complaint.objects.filter(pk__in=[made["rosa-noise"].pk, made["zoe-leak"].pk]).update(
        status="closed"
    )
    return made


EXPECTED = {
    # reference, any case
    "ref": ["rosa-noise"],
    # names: every word is the start of a word; accents and case do not matter
    "rosa": ["rosa-leak", "rosa-noise"],
    "bell": ["rosa-leak", "rosa-noise", "ahmad-boiler"],  # Bell, Bellamy
    "ahm": ["ahmed-damp", "ahmad-boiler"],
    "ahmed khan": ["ahmed-damp"],
    "zoe smith": ["zoe-fence", "zoe-leak"],
    "ZOË": ["zoe-fence", "zoe-leak"],
    # addresses and partial postcodes
    "mill lane": ["rosa-leak", "rosa-noise"],
    "mill": ["rosa-leak", "rosa-noise", "zoe-fence", "zoe-leak"],  # Mill, Millbrook
    "church road exampleton": ["ahmed-damp", "ahmad-boiler"],
    "EX3": ["ahmed-damp", "ahmad-boiler"],
    # full postcodes: exact, with or without the space
    "ex1 2ab": ["rosa-leak", "rosa-noise"],
    "EX39ZZ": ["ahmed-damp", "ahmad-boiler"],
    # email: exact, any case
    "rosa.bell@example.org": ["rosa-leak", "rosa-noise"],
    "AHMED@EXAMPLE.NET": ["ahmed-damp"],
    # phone: exact on the digits, +44 or 0
    "07700900123": ["rosa-leak", "rosa-noise"],
    "+44 7700 900123": ["rosa-leak", "rosa-noise"],
    "07700 900456": ["ahmed-damp"],
    # text
    "leak": ["rosa-leak", "zoe-leak"],  # leak, leaking
    "mould damp": ["ahmed-damp"],
    "boiler rosa": [],
    # nothing
    "nobody": [],
    "   ": [],
    "!!!": [],
}


@pytest.mark.parametrize("query", list(EXPECTED))
def test_search_finds_the_same_complaints_on_each_engine(people, query):
    if query == "ref":
        query = people["rosa-noise"].reference.lower()
    hits = search.search(query)
    found = [
        key
        for pk in hits[0 : hits.count()]
        for key, c in people.items()
        if c.pk == pk  # newest first
    ]
    expected = sorted(EXPECTED["ref" if query.startswith("cmp") else query], key=_newest(people))
    assert found == expected
    assert hits.count() == len(expected)


def _newest(people):
    return lambda key: -people[key].pk


def test_each_kind_of_query_is_looked_up_its_own_way():
    assert search.kind_of("CMP-2026-000123") == search.Kind.REFERENCE
    assert search.kind_of("someone@example.org") == search.Kind.EMAIL
    assert search.kind_of("sw1a 1aa") == search.Kind.POSTCODE
    assert search.kind_of("020 7946 0000") == search.Kind.PHONE
    assert search.kind_of("Bell") == search.Kind.WORDS
    assert search.kind_of("EX1") == search.Kind.WORDS  # a partial postcode is a word


def test_paging_counts_every_match_and_pages_newest_first(monday, handler):
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    made = [received(resident=rosa, actor=handler).pk for _ in range(7)]
    hits = search.search("rosa")
    assert hits.count() == 7
    assert hits[0:3] == sorted(made, reverse=True)[:3]
    assert hits[6:9] == [min(made)]


def test_the_index_is_rebuilt_when_a_complaint_is_received(monday, handler):
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    assert search.search("gutter").count() == 0
    complaint = received(resident=rosa, actor=handler, description="Blocked gutter")
    assert search.search("gutter")[0:5] == [complaint.pk]
    assert ComplaintSearch.objects.get(complaint=complaint).document.startswith(
        complaint.reference.lower().replace("-", " ")
    )


def test_the_index_follows_a_resident_whose_records_are_reindexed(people):
    """A resident's change reaches their complaints' rows through people.search's listeners."""
    from putright.people import search as resident_search
    from putright.people.models import Resident

    rosa = Resident.objects.get(full_name="Rosa Bell")
    Resident.objects.filter(pk=rosa.pk).update(full_name="Rosa Hughes")
    assert search.search("hughes").count() == 0  # changed around the services: not yet
    resident_search.reindex([rosa.pk])
    assert search.search("hughes").count() == 2
    assert search.search("rosa hughes").count() == 2


def test_reindex_all_rebuilds_rows_lost_or_stale(people):
    ComplaintSearch.objects.all().delete()
    assert search.search("rosa").count() == 0
    assert search.reindex_all() == 6
    assert search.search("rosa").count() == 2


# --- the queue's search box ---------------------------------------------------------------------


def test_the_queue_search_finds_closed_complaints_with_a_count_and_links(client, handler, people):
    client.force_login(handler)
    page = client.get("/", {"q": "rosa"}).content.decode()
    text = page_text(page)
    assert "2 complaints match “rosa”" in text
    closed = people["rosa-noise"]
    assert f'href="/complaints/{closed.reference}/"' in page
    assert "Closed" in text
    assert f'href="/people/{closed.resident_id}/"' in page


def test_the_queue_search_ignores_my_cases_scope_but_keeps_other_filters(
    client, handler, second_handler, people
):
    client.force_login(second_handler)  # handles none of them
    assert "2 complaints match" in page_text(client.get("/?scope=mine&q=rosa").content.decode())
    text = page_text(client.get("/?scope=mine&q=rosa&channel=email").content.decode())
    assert "1 complaint match" in text
    assert people["rosa-noise"].reference in text
    assert people["rosa-leak"].reference not in text


def test_a_search_with_no_match_says_so_and_how_to_search(client, handler, people):
    client.force_login(handler)
    text = page_text(client.get("/", {"q": "nobody"}).content.decode())
    assert "No complaints match “nobody”" in text
    assert "full postcode" in text


def test_search_results_are_paged(client, handler, monday):
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    for _ in range(27):
        received(resident=rosa, actor=handler)
    client.force_login(handler)
    first = page_text(client.get("/", {"q": "bell"}).content.decode())
    assert "27 complaints match" in first
    assert "Page 1 of 2" in first
    second = client.get("/", {"q": "bell", "page": 2}).content.decode()
    assert "Showing 26 to 27" in page_text(second)


def test_the_search_results_page_needs_the_same_few_queries_for_25_rows_as_for_2(
    client, handler, monday, django_assert_max_num_queries
):
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    for _ in range(2):
        received(resident=rosa, actor=handler)
    client.force_login(handler)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/", {"q": "rosa"}).status_code == 200
    for _ in range(30):
        received(resident=resident_add(full_name="Rosa Green", actor=handler), actor=handler)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/", {"q": "rosa"}).content.decode()
    assert "32 complaints match" in page_text(page)


def test_every_staff_page_has_the_search_box_and_the_case_links_to_the_resident(
    client, viewer, people
):
    client.force_login(viewer)
    complaint = people["rosa-leak"]
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert 'id="header-search"' in page
    assert f'href="/people/{complaint.resident_id}/"' in page


def test_the_resident_page_lists_every_complaint_with_status_and_link(client, viewer, people):
    client.force_login(viewer)
    rosa = people["rosa-leak"].resident
    page = client.get(f"/people/{rosa.pk}/").content.decode()
    for key in ("rosa-leak", "rosa-noise"):
        assert f'href="/complaints/{people[key].reference}/"' in page
    text = page_text(page)
    assert "Open" in text
    assert "Closed" in text


def test_a_common_word_is_counted_only_up_to_the_cap(client, handler, monday, monkeypatch):
    from putright.core import fulltext

    monkeypatch.setattr(fulltext, "COUNT_CAP", 3)
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    for _ in range(5):
        received(resident=rosa, actor=handler)
    hits = search.search("rosa")
    assert (hits.count(), hits.more_than_cap) == (4, True)
    assert len(hits[0:25]) == 5  # the pages still hold every match
    client.force_login(handler)
    text = page_text(client.get("/", {"q": "rosa"}).content.decode())
    assert "More than 3 complaints match “rosa”" in text


def test_the_search_reindex_command_rebuilds_both_tables(people):
    from io import StringIO

    from django.core.management import call_command

    from putright.people import search as resident_search
    from putright.people.models import ResidentSearch

    ComplaintSearch.objects.all().delete()
    ResidentSearch.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "Indexed 4 residents and 6 complaints" in out.getvalue()
    assert search.search("ahmed khan").count() == 1
    assert resident_search.find("ahmed khan").count() == 1
