"""Search everything: every complaint, open or closed, by reference, old reference, resident
name, address, postcode, email, phone or text.

One search table row per complaint (``ComplaintSearch``), built by `_entry` alone: rebuilt
from the record by `reindex`, and written first by `index_new_rows` for complaints just
received (from the rows in memory, one INSERT). The services call it when a complaint, its resident or its home
changes (receiving a complaint, merging residents, erasure, an import; residents' changes
arrive through ``people.search.on_resident_change``); `reindex_all` rebuilds everything
(``manage.py search_reindex``, the demo seed, the bench).

A query is looked up the cheapest way its shape allows: a reference, email address, phone
number or full postcode by an exact match on an indexed, normalised column; an old system's
reference likewise; anything else through the engine's word index (``core/fulltext.py``),
every word matched as the start of a word. Results are newest first (highest id).
"""

import re
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL

from putright.complaints import hooks
from putright.complaints.models import Complaint, ComplaintSearch
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
from putright.people.search import on_home_change, on_resident_change

TABLE = ComplaintSearch._meta.db_table
ID_COLUMN = "complaint_id"
BATCH = 2000

REFERENCE = re.compile(r"^CMP-\d{4}-\d{6}$", re.IGNORECASE)


class Kind(StrEnum):
    REFERENCE = "reference"
    OLD_REFERENCE = "old reference"
    EMAIL = "email address"
    PHONE = "phone number"
    POSTCODE = "postcode"
    WORDS = "words"


def kind_of(query: str) -> Kind:
    """How a query will be looked up (before the old-reference check)."""
    q = query.strip()
    if REFERENCE.match(q):
        return Kind.REFERENCE
    if is_email(q):
        return Kind.EMAIL
    if is_postcode(q):
        return Kind.POSTCODE
    if is_phone(q):
        return Kind.PHONE
    return Kind.WORDS


# --- keeping the search table ------------------------------------------------------------------

# What a complaint's category gives its row (`_entry`): a category saved with any of these
# changed has its complaints' rows written again (``services.categories.category_save``).
CATEGORY_FIELDS = ("name",)


def _entry(complaint: Complaint, others: list[str]) -> ComplaintSearch:
    resident = complaint.resident
    homes = [h for h in (resident.home, complaint.home) if h is not None]
    if len(homes) == 2 and homes[0].pk == homes[1].pk:
        homes = homes[:1]
    address_parts: list[str] = []
    for home in homes:
        address_parts += [
            home.address_line_1,
            home.address_line_2,
            home.town,
            home.postcode,
            normal_code(home.postcode),
        ]
    postcode_home = complaint.home or resident.home
    parts = [
        complaint.reference,
        *others,
        *(normal_code(o) for o in others),
        resident.full_name,
        resident.email,
        resident.phone,
        normal_phone(resident.phone),
        *address_parts,
        *(str(getattr(complaint.category, f)) for f in CATEGORY_FIELDS if complaint.category),
        complaint.description,
        complaint.outcome_wanted,
    ]
    return ComplaintSearch(
        complaint_id=complaint.pk,
        old_reference=normal_code(others[0])[:100] if others else "",
        postcode=normal_code(postcode_home.postcode)[:10] if postcode_home else "",
        email=normal_email(resident.email)[:254],
        phone=normal_phone(resident.phone)[:40],
        channel=complaint.channel,
        document=fulltext.document(parts),
    )


def reindex(complaint_ids: Iterable[int]) -> int:
    """Rebuild the search rows of these complaints from the record; returns how many."""
    ids = sorted({int(i) for i in complaint_ids})
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        complaints = list(
            Complaint.objects.filter(pk__in=chunk)
            .select_related("resident", "resident__home", "home", "category")
            .order_by()
        )
        others = hooks.other_references(chunk)
        entries = [_entry(c, others.get(c.pk, [])) for c in complaints]
        fulltext.replace_rows(ComplaintSearch, ID_COLUMN, chunk, entries)
        done += len(entries)
    return done


def index_new_rows(complaints: list[Complaint]) -> None:
    """The search rows of complaints received in this transaction, built by `_entry` as
    `reindex` builds them but from the rows in memory, in one INSERT (no row exists yet):
    ``complaint_receive`` calls it through ``held.after_write``, so live it writes one row at
    once, and an import writes its chunk's rows once the chunk is written, without reading
    them back. Other references are those linked to the complaint in memory
    (``hooks.linked_references``: an import links the old reference before writing its
    chunk). Residents, homes and categories not in memory are read, one query each for all.
    Written by the held rows' writer (`held.insert`: no SQL compiler; a third of these rows'
    cost when it was `bulk_create`). test_receive_search_row.py holds the row equal to
    `reindex`'s."""
    prefetch_related_objects(complaints, "resident__home", "home", "category")
    held.insert(ComplaintSearch, [_entry(c, hooks.linked_references(c)) for c in complaints])


def reference_linked(complaint: Complaint) -> None:
    """Another app linked a reference to this complaint (an import, the old system's): its
    row is rebuilt with it by `reindex` if written; a complaint not written yet (held in an
    import's chunk) has no row, and `index_new_rows` builds it with the link when it is."""
    if complaint.pk is not None:
        reindex([complaint.pk])


def reindex_for_residents(resident_ids: Iterable[int]) -> int:
    """After a resident's name, contact details or home changed: their complaints' rows."""
    ids = list(resident_ids)
    return reindex(Complaint.objects.filter(resident_id__in=ids).values_list("pk", flat=True))


def reindex_for_homes(home_ids: Iterable[int]) -> int:
    """After an address changed: the rows of complaints about the home or its residents."""
    ids = list(home_ids)
    about = Complaint.objects.filter(home_id__in=ids).values_list("pk", flat=True)
    by_residents = Complaint.objects.filter(resident__home_id__in=ids).values_list("pk", flat=True)
    return reindex([*about, *by_residents])


def reindex_all(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every complaint's row, in batches of ids (memory stays flat)."""
    done = 0
    last = 0
    while True:
        chunk = list(
            Complaint.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not chunk:
            break
        done += reindex(chunk)
        last = chunk[-1]
        if progress:
            progress(done)
    return done


# --- searching ---------------------------------------------------------------------------------


def _exact(kind: Kind, query: str) -> QuerySet | None:
    q = query.strip()
    if kind == Kind.REFERENCE:
        return (
            Complaint.objects.filter(reference=q.upper())
            .order_by("-pk")
            .values_list("pk", flat=True)
        )
    column = {
        Kind.EMAIL: ("email", normal_email(q)),
        Kind.POSTCODE: ("postcode", normal_code(q)),
        Kind.PHONE: ("phone", normal_phone(q)),
        Kind.OLD_REFERENCE: ("old_reference", normal_code(q)),
    }.get(kind)
    if column is None:
        return None
    return (
        ComplaintSearch.objects.filter(**{column[0]: column[1]})
        .order_by("-complaint_id")
        .values_list("complaint_id", flat=True)
    )


def resolve(query: str) -> tuple[Kind, list[str]]:
    """The kind of lookup for `query`, and its words (for a word search)."""
    kind = kind_of(query)
    if kind == Kind.WORDS:
        code = normal_code(query)
        has_digit = any(ch.isdigit() for ch in code)
        if has_digit and ComplaintSearch.objects.filter(old_reference=code).exists():
            return Kind.OLD_REFERENCE, []
    return kind, fulltext.query_words(query) if kind == Kind.WORDS else []


# The complaint's own columns its search row holds, by which a word search inside the queue's
# filters is narrowed on PostgreSQL in the word index itself (`fulltext.narrows_in_index`),
# rather than by reading the complaint of every match (at 1,000,000 complaints "Patel" matches
# 49,805; all were read to count the 9,961 by email, or those at stage 1). The channel, fixed
# when a complaint is received, is written by `_entry` (migration 0025); the others change as
# the complaint moves and are the database's copies, kept by its triggers on both tables and
# never written here (migration 0026: PostgreSQL only, not Django fields).
HELD = (
    "channel",
    "status",
    "current_stage",
    "handler_id",
    "category_id",
    "next_due",
    "current_extended",
    "resident_vulnerable",
)


def copies_astray() -> list[int]:
    """PostgreSQL: the complaints whose search row's copies of the `HELD` columns differ from
    the complaint's own row (none while the triggers keep them: the tests and the bench seed's
    ``--check`` ask); [] on other engines, whose search rows hold no copies."""
    if connection.vendor != "postgresql":
        return []
    differ = " OR ".join(f"s.{column} IS DISTINCT FROM c.{column}" for column in HELD)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id FROM {Complaint._meta.db_table} AS c JOIN {TABLE} AS s "  # noqa: S608
            f"ON s.{ID_COLUMN} = c.id WHERE {differ} ORDER BY c.id"
        )
        return [row[0] for row in cursor.fetchall()]


def search(
    query: str,
    *,
    within: QuerySet[Complaint] | None = None,
    columns: dict[str, object] | None = None,
) -> SearchHits:
    """Every complaint matching `query`, newest first; `within` narrows (queue filters), and
    so do `columns`: lookups on the complaint's own columns that its search row holds (`HELD`;
    "column" for equal, "column__lt" for below, as the queue's filters ask), given apart so
    that a word search checks them on the search row, on PostgreSQL in the word index."""
    columns = dict(columns or {})
    unheld = {lookup.partition("__")[0] for lookup in columns} - set(HELD)
    if unheld:
        raise ValueError(f"The search row does not hold {', '.join(sorted(unheld))}.")
    kind, terms = resolve(query)
    if kind == Kind.WORDS:
        if not terms:
            return SearchHits.nothing(kind)
        if columns and fulltext.narrows_in_index():
            return SearchHits.of_words(kind, TABLE, ID_COLUMN, terms, within=within, where=columns)
        within = _by_columns(within, columns)
        return SearchHits.of_words(kind, TABLE, ID_COLUMN, terms, within=within)
    within = _by_columns(within, columns)
    exact = _exact(kind, query)
    if within is None and exact is not None:
        return SearchHits.of_queryset(kind, exact)
    found = _within(kind, terms, query, within or Complaint.objects.all())
    return SearchHits.of_queryset(kind, found.order_by("-pk").values_list("pk", flat=True))


def _by_columns(
    within: QuerySet[Complaint] | None, columns: dict[str, object]
) -> QuerySet[Complaint] | None:
    """The same lookups on the complaint's row (the lookups are the complaint's fields)."""
    if not columns:
        return within
    return (within if within is not None else Complaint.objects.all()).filter(**columns)


def matching(query: str, within: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints of `within` matching `query` (the API's list uses the same search)."""
    kind, terms = resolve(query)
    if kind == Kind.WORDS and not terms:
        return within.none()
    return _within(kind, terms, query, within)


def _within(
    kind: Kind, terms: list[str], query: str, within: QuerySet[Complaint]
) -> QuerySet[Complaint]:
    if kind == Kind.WORDS:
        sql, params = fulltext.match_sql(TABLE, ID_COLUMN, terms)
        return within.filter(pk__in=RawSQL(sql, params))  # noqa: S611  fixed SQL, bound words
    return within.filter(pk__in=_exact(kind, query))


# A resident's name, contact details or home changed: their complaints are found by them.
on_resident_change(reindex_for_residents)
on_home_change(reindex_for_homes)
