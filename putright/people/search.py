"""The resident finder: anyone recorded, by name, address, postcode, email, phone or property
(tenancy) reference, paged, newest record first.

One search table row per resident (``ResidentSearch``), with every home they hold: written by
`index_new_rows` when they are added and rebuilt by `reindex` — the one place that rewrites it —
from the people services (a tenancy of another home, merging residents) and from the apps above
that change residents (imports, erasure, the demo seed). Apps that index a
resident's details elsewhere (the complaints app's "search everything") subscribe with
`on_resident_change`, so they are rebuilt from the same call. A resident merged into another
has no row: the finder offers the record kept.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db.models import Prefetch, prefetch_related_objects

from putright.core import fulltext, held
from putright.core.fulltext import (
    SearchHits,
    is_email,
    is_phone,
    is_postcode,
    normal_code,
    normal_email,
    normal_phone,
)
from putright.core.listeners import Listeners
from putright.people.models import Resident, ResidentSearch, Tenancy

TABLE = ResidentSearch._meta.db_table
ID_COLUMN = "resident_id"
BATCH = 2000

ResidentListener = Callable[[list[int]], object]
_listeners: Listeners[ResidentListener] = Listeners()


class Kind(StrEnum):
    EMAIL = "email address"
    PHONE = "phone number"
    POSTCODE = "postcode"
    WORDS = "words"


def on_resident_change(fn: ResidentListener) -> ResidentListener:
    """Register `fn(resident_ids)`, called whenever residents' search rows are rebuilt."""
    return _listeners.add(fn)


HomeListener = Callable[[list[int]], object]
_home_listeners: Listeners[HomeListener] = Listeners()


def on_home_change(fn: HomeListener) -> HomeListener:
    """Register `fn(home_ids)`, called whenever homes' addresses changed (`homes_changed`):
    what another app indexes of a home (the complaints about it)."""
    return _home_listeners.add(fn)


def _entry(resident: Resident, tenancies: Iterable[Tenancy]) -> ResidentSearch:
    parts = [resident.full_name, resident.email, resident.phone, normal_phone(resident.phone)]
    homes = [resident.home] if resident.home else []
    homes += [t.home for t in tenancies]
    seen: set[int] = set()
    for home in homes:
        if home.pk in seen:
            continue
        seen.add(home.pk)
        parts += [
            home.uprn,
            home.address_line_1,
            home.address_line_2,
            home.town,
            home.postcode,
            normal_code(home.postcode),
        ]
    parts.append(resident.correspondence_address)
    return ResidentSearch(
        resident_id=resident.pk,
        postcode=normal_code(resident.home.postcode)[:10] if resident.home else "",
        email=normal_email(resident.email)[:254],
        phone=normal_phone(resident.phone)[:40],
        document=fulltext.document(parts),
    )


def reindex(resident_ids: Iterable[int], *, notify: bool = True) -> int:
    """Rebuild these residents' search rows (and, with `notify`, what listeners index)."""
    ids = sorted({int(i) for i in resident_ids})
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        residents = list(
            Resident.objects.filter(pk__in=chunk, merged_into__isnull=True)
            .select_related("home")
            .prefetch_related(
                Prefetch("tenancies", queryset=Tenancy.objects.select_related("home").order_by())
            )
            .order_by()
        )
        fulltext.replace_rows(
            ResidentSearch, ID_COLUMN, chunk, (_entry(r, r.tenancies.all()) for r in residents)
        )
        done += len(residents)
        if notify:
            for fn in _listeners:
                fn(chunk)
    return done


def index_new_rows(residents: list[Resident]) -> None:
    """The search rows of residents just added, built by `_entry` as `reindex` builds them
    but from the rows in memory, in one INSERT (no row exists yet). ``resident_add`` calls it
    through ``held.after_write``: live it writes the one row at once, and an import writes its
    chunk's rows once the chunk is written, without reading them back. A resident just added
    has no tenancies yet (live, and row by row in an import: the row is written before its
    tenancy), so none are in the row; nothing else is indexed by them yet (the complaints
    received for them index themselves), so no listener is called. Homes not in memory are
    read, one query for all. test_resident_search_row.py holds the row equal to `reindex`'s."""
    prefetch_related_objects(residents, "home")
    # A row already there was written whole by `tenancies_changed`, which an import's chunk may
    # run first (a resident added, then a tenancy of another home in the same chunk): kept.
    held.insert(ResidentSearch, [_entry(r, ()) for r in residents], ignore_conflicts=True)


def tenancies_changed(resident_ids: Iterable[int]) -> int:
    """A resident's tenancy of another home began (``people.services.tenancy_start``): their
    row is rebuilt with it. Complaints' rows hold the homes each complaint was made about and
    from, not tenancies, so no listener is called."""
    return reindex(resident_ids, notify=False)


def homes_changed(home_ids: Iterable[int]) -> int:
    """Homes' addresses changed: the rows of residents who live there or hold a tenancy of
    one (their rows hold the address), and what the listeners index of the homes (their own
    complaints' rows follow from that: ``complaints.search.reindex_for_homes``)."""
    ids = sorted({int(i) for i in home_ids})
    living = Resident.objects.filter(home_id__in=ids).values_list("pk", flat=True)
    holding = Tenancy.objects.filter(home_id__in=ids).values_list("resident_id", flat=True)
    done = reindex({*living, *holding}, notify=False)
    for fn in _home_listeners:
        fn(ids)
    return done


def reindex_all(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every resident's row (listeners are not called: rebuild their indexes too)."""
    done = 0
    last = 0
    while True:
        chunk = list(
            Resident.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not chunk:
            break
        done += reindex(chunk, notify=False)
        last = chunk[-1]
        if progress:
            progress(done)
    return done


def kind_of(query: str) -> Kind:
    if is_email(query):
        return Kind.EMAIL
    if is_postcode(query):
        return Kind.POSTCODE
    if is_phone(query):
        return Kind.PHONE
    return Kind.WORDS


def find(query: str) -> SearchHits:
    """Residents (not merged away) matching `query`, newest record first."""
    kind = kind_of(query)
    column = {
        Kind.EMAIL: ("email", normal_email(query)),
        Kind.POSTCODE: ("postcode", normal_code(query)),
        Kind.PHONE: ("phone", normal_phone(query)),
    }.get(kind)
    if column is not None:
        return SearchHits.of_queryset(
            kind,
            ResidentSearch.objects.filter(**{column[0]: column[1]})
            .order_by("-resident_id")
            .values_list("resident_id", flat=True),
        )
    terms = fulltext.query_words(query)
    if not terms:
        return SearchHits.nothing(kind)
    return SearchHits.of_words(kind, TABLE, ID_COLUMN, terms)
