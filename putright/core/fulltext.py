"""Full-text search that suits each database engine, with one tokeniser for both.

(SQL here is built from the owning app's table and column names, never from input; the words
searched for are always bound parameters.)

A searchable thing (a complaint, a resident) keeps one row in a plain "search" table: its id
and a *document*, the words it can be found by, already normalised here (case folded, accents
removed, split on anything that is not a letter or digit, joined by single spaces). The engine
then only indexes words:

- SQLite: an FTS5 virtual table (``<table>_fts``, external content, kept in step with the
  search table by three triggers), created by the app's migration;
- PostgreSQL: a stored generated column ``words = to_tsvector('simple', document)`` (no
  stemming, no stop words) with a GIN index, and a *lexicon* (``<table>_lexicon``: every word
  the documents hold, kept by a statement trigger) through which a prefix is looked for as the
  few whole words it starts (`LEXICON_EXPANSION`).

Because both engines see the same pre-split words, and a query is the same list of words each
matched as a prefix ("ahm" finds "Ahmed"; single letters match whole words only), both return
the same results for the same data (``complaints/tests/test_search.py`` runs one table of
expected results on each engine).

Only the app that owns a search table writes it, from its services: see
``complaints/search.py`` and ``people/search.py``.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F, QuerySet

WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 8
# Counting every one of 200,000 matches of a common word costs more than the page itself;
# beyond this many a search says "more than 10,000" and asks for another word.
COUNT_CAP = 10_000

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
PHONE = re.compile(r"^\+?[\d\s().-]+$")
PHONE_MIN_DIGITS = 9


def normal_code(value: str) -> str:
    """A postcode or a reference as compared: upper case, letters and digits only."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


def normal_phone(value: str) -> str:
    """Digits only, +44 written as the leading 0 (so "+44 7700 900123" is "07700900123")."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def normal_email(value: str) -> str:
    return (value or "").strip().lower()


def is_email(query: str) -> bool:
    return bool(EMAIL.match(query.strip()))


def is_postcode(query: str) -> bool:
    """A full UK postcode, with or without its space."""
    return len(query.strip()) <= 8 and bool(POSTCODE.match(normal_code(query)))


def is_phone(query: str) -> bool:
    q = query.strip()
    return bool(PHONE.match(q)) and len(normal_phone(q)) >= PHONE_MIN_DIGITS


def words(text: str) -> list[str]:
    """Lower-case words without accents, as both engines will index them."""
    plain = (text or "").casefold()
    # ASCII is its own NFKD form with no combining marks: most text skips the character loop
    # (a tenth of building a search row; an import builds one a complaint and one a resident).
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return WORD.findall(plain)


def document(parts: Iterable[str]) -> str:
    """One search document from its parts: the words of each, in order, each word once."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in words(part):
            seen.setdefault(word, None)
    return " ".join(seen)


def query_words(query: str) -> list[str]:
    """The words to look for. A single letter would match the start of too many words to be
    quick, so beside longer words it is left out ("rosa b" looks for "rosa"); alone, it must be
    a whole word."""
    found = words(query)
    longer = [w for w in found if len(w) > 1]
    return (longer or found)[:MAX_QUERY_WORDS]


def _fts5_query(terms: list[str]) -> str:
    return " AND ".join(f'"{t}"*' if len(t) > 1 else f'"{t}"' for t in terms)


# PostgreSQL matches a prefix ("patel:*") in the GIN index by first collecting every entry under
# it into a bitmap, which at a million rows costs more than all the rest of a search (issue 19:
# 'damp:* & khan:*' counted in 550 ms, 'damp & khan' in 80 ms; above 4 MB of work_mem the bitmap
# turns lossy and every row of a lossy page is read again). So a term is first looked up in the
# table's lexicon: if it starts at most this many words, the query asks for those whole words
# ('patel' -> '(patel)', 'aisha' -> '(aisha | aishah)'), which GIN intersects posting list by
# posting list; if it starts none, nothing can match. (More alternatives cost more than the
# prefix: 561 postcodes under 'ex12' took seconds.) Only plain ASCII terms are looked up, the
# words PostgreSQL's parser leaves exactly as they are; any other stays a prefix.
LEXICON_EXPANSION = 8
PLAIN_TERM = re.compile(r"[a-z0-9]+")


def _tsquery(terms: list[str], whole: dict[str, list[str]] | None = None) -> str:
    """`terms` as a tsquery: each a prefix, or (in `whole`) the whole words it starts."""
    whole = whole or {}
    parts = []
    for t in terms:
        if t in whole:
            parts.append(f"({' | '.join(whole[t])})")
        else:
            parts.append(f"{t}:*" if len(t) > 1 else t)
    return " & ".join(parts)


def _next_prefix(term: str) -> str:
    """The least string above every string that starts with `term` (byte order)."""
    return term[:-1] + chr(ord(term[-1]) + 1)


def whole_words(table: str, terms: list[str]) -> dict[str, list[str]]:
    """PostgreSQL: each plain term that starts at most LEXICON_EXPANSION words of the table's
    lexicon, with those words (an empty list: it starts none, nothing can match); one query
    for every term. Other engines: {} (FTS5 keeps prefix indexes of its own)."""
    plain = [t for t in dict.fromkeys(terms) if len(t) > 1 and PLAIN_TERM.fullmatch(t)]
    if connection.vendor != "postgresql" or not plain:
        return {}
    found: dict[str, list[str]] = {t: [] for t in plain}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.term, w.word FROM unnest(%s::text[], %s::text[]) AS t(term, below) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT DISTINCT word FROM {table}_lexicon "
            "WHERE word >= t.term AND word < t.below ORDER BY word LIMIT %s) AS w",
            [plain, [_next_prefix(t) for t in plain], LEXICON_EXPANSION + 1],
        )
        for term, word in cursor.fetchall():
            found[term].append(word)
    return {t: w for t, w in found.items() if len(w) <= LEXICON_EXPANSION}


def match_sql(
    table: str,
    id_column: str,
    terms: list[str],
    *,
    whole: dict[str, list[str]] | None = None,
    where: dict[str, object] | None = None,
) -> tuple[str, list[str]]:
    """SQL selecting the ids (as ``id``) of rows whose document has every term, and its params.

    PostgreSQL: `whole` is `whole_words(table, terms)` when the caller has it already (it is
    looked up here otherwise); a term that starts no word makes SQL that selects nothing.
    `where` (PostgreSQL only, see `narrows_in_index`): columns of the search table itself and
    the values they must have, checked beside the words, each key a column (equal to the value)
    or a column and ``__lt`` (below it), as in a Django lookup."""
    if connection.vendor == "postgresql":
        if whole is None:
            whole = whole_words(table, terms)
        if any(not found for found in whole.values()):
            return f"SELECT {id_column} AS id FROM {table} WHERE false", []  # noqa: S608
        conditions = "".join(f" AND {_condition(k, v)}" for k, v in (where or {}).items())
        return (
            f"SELECT {id_column} AS id FROM {table} "  # noqa: S608
            f"WHERE words @@ to_tsquery('simple', %s){conditions}",
            [_tsquery(terms, whole), *(where or {}).values()],
        )
    if where:
        raise ValueError("Only PostgreSQL narrows a word search by the search table's columns.")
    return (
        f"SELECT rowid AS id FROM {table}_fts WHERE {table}_fts MATCH %s",  # noqa: S608
        [_fts5_query(terms)],
    )


WHERE_OPERATORS = {"": "=", "lt": "<"}


def _condition(lookup: str, value: object) -> str:
    """``column`` -> "column = %s", ``column__lt`` -> "column < %s" (a name from the code,
    never from input; anything else is refused), written so that PostgreSQL can read it from
    a GIN index of ``btree_gin``, whose operator classes hold no cross-type operators:
    - a whole number is compared as a bigint (the search table's whole numbers are bigint; a
      bound 2 is an integer, and "bigint = integer" is not in the index's operator class);
    - a boolean is compared by ">=" or "<=" (PostgreSQL rewrites "flag = true" as "flag",
      which no operator class holds; for true and false, ">= true" is "= true")."""
    column, _, operator = lookup.partition("__")
    if operator not in WHERE_OPERATORS or not column.isidentifier():
        raise ValueError(f"No condition for {lookup!r}.")
    if isinstance(value, bool) and not operator:
        return f"{column} {'>=' if value else '<='} %s"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{column} {WHERE_OPERATORS[operator]} %s::bigint"
    return f"{column} {WHERE_OPERATORS[operator]} %s"


def narrows_in_index() -> bool:
    """Whether a word search can be narrowed by columns of the search table (`where`) in the
    engine's word index: PostgreSQL, whose GIN index can hold such a column beside the words
    (``btree_gin``), so that "Patel, received by email" is answered from the index and only
    the rows that are both are read. SQLite's FTS5 index holds words only: it is narrowed by
    a join (`within`), as before."""
    return connection.vendor == "postgresql"


def _narrowed(match: tuple[str, list], within: QuerySet | None) -> tuple[str, list]:
    """The matching ids that are also ids of `within` (a queryset of the indexed model).

    A join, not ``within.filter(pk__in=...)``: the engine then reads the matches newest first
    from the word index and stops at the page (SQLite: FTS5 gives its rowids in either order),
    instead of fetching every match's row to sort them (a name inside a queue filter, 10,000
    matches: 56 ms for the page at 1,000,000 complaints on SQLite, 3 ms as a join)."""
    sql, params = match
    if within is None:
        return sql, params
    narrowing, narrowing_params = (
        within.order_by().annotate(search_hit=F("pk")).values_list("search_hit").query
    ).sql_with_params()
    return (
        f"SELECT m.id FROM ({sql}) AS m JOIN ({narrowing}) AS w ON w.search_hit = m.id",  # noqa: S608
        [*params, *narrowing_params],
    )


def count(
    table: str,
    id_column: str,
    terms: list[str],
    *,
    cap: int | None = None,
    whole: dict[str, list[str]] | None = None,
    within: QuerySet | None = None,
    where: dict[str, object] | None = None,
) -> int:
    """How many rows match, counted up to `cap` + 1 (beyond that, "more than `cap`")."""
    cap = COUNT_CAP if cap is None else cap
    match = match_sql(table, id_column, terms, whole=whole, where=where)
    sql, params = _narrowed(match, within)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({sql} LIMIT %s) AS m",  # noqa: S608
            [*params, cap + 1],
        )
        return int(cursor.fetchone()[0])


def page(
    table: str,
    id_column: str,
    terms: list[str],
    *,
    offset: int,
    limit: int,
    whole: dict[str, list[str]] | None = None,
    within: QuerySet | None = None,
    where: dict[str, object] | None = None,
) -> list[int]:
    """One page of matching ids, newest (highest id) first."""
    match = match_sql(table, id_column, terms, whole=whole, where=where)
    sql, params = _narrowed(match, within)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id FROM ({sql}) AS m ORDER BY m.id DESC LIMIT %s OFFSET %s",  # noqa: S608
            [*params, limit, offset],
        )
        return [int(row[0]) for row in cursor.fetchall()]


@dataclass
class SearchHits:
    """Matching ids, newest first, counted and sliced on demand (a Paginator's object list).

    `kind` says how the query was looked up (shown with the results)."""

    kind: str
    counter: Callable[[], int]
    pager: Callable[[int, int], list[int]]
    _count: int | None = field(default=None, repr=False)

    def count(self) -> int:
        if self._count is None:
            self._count = self.counter()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @property
    def more_than_cap(self) -> bool:
        """Whether the count stopped at the cap (show "more than COUNT_CAP")."""
        return self.count() > COUNT_CAP

    def __getitem__(self, item: slice) -> list[int]:
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        return self.pager(start, max(0, stop - start))

    @classmethod
    def of_queryset(cls, kind: str, ids) -> "SearchHits":
        return cls(
            kind=kind,
            counter=ids.count,
            pager=lambda offset, limit: list(ids[offset : offset + limit]),
        )

    @classmethod
    def capped(cls, kind: str, ids) -> "SearchHits":
        """A queryset's ids, counted only up to COUNT_CAP + 1 (shown as "more than"): a
        count of every match would read every matching row of a big case load."""
        return cls(
            kind=kind,
            counter=lambda: ids.order_by()[: COUNT_CAP + 1].count(),
            pager=lambda offset, limit: list(ids[offset : offset + limit]),
        )

    @classmethod
    def nothing(cls, kind: str) -> "SearchHits":
        return cls(kind=kind, counter=lambda: 0, pager=lambda offset, limit: [])

    @classmethod
    def of_words(
        cls,
        kind: str,
        table: str,
        id_column: str,
        terms: list[str],
        *,
        within: QuerySet | None = None,
        where: dict[str, object] | None = None,
    ) -> "SearchHits":
        """Rows whose document has every term, newest first, counted up to COUNT_CAP + 1;
        with `within` (a queryset of the indexed model, e.g. a queue's filters), only its; with
        `where` (PostgreSQL, `narrows_in_index`), only rows whose columns have these values."""
        whole = whole_words(table, terms)  # looked up once for the count and every page
        if any(not found for found in whole.values()):
            return cls.nothing(kind)
        return cls(
            kind=kind,
            counter=lambda: count(table, id_column, terms, whole=whole, within=within, where=where),
            pager=lambda offset, limit: page(
                table,
                id_column,
                terms,
                offset=offset,
                limit=limit,
                whole=whole,
                within=within,
                where=where,
            ),
        )


# --- keeping the rows ------------------------------------------------------------------------


def replace_rows(model, id_column: str, ids: list[int], entries: Iterable) -> None:
    """The one way a search table's rows are rewritten (its app's `reindex`): the rows of
    `ids` made `entries`, those of `ids` without an entry deleted. On PostgreSQL, the words the
    old rows held and the new ones do not are then taken out of the lexicon if no row holds
    them any more (`forget_words`): a name or an email address erased from the record must not
    stay in it.

    PostgreSQL rewrites a row in place (``INSERT ... ON CONFLICT DO UPDATE`` of the model's
    columns), never deletes and inserts it again: the complaint search row also holds the
    database's copies of the complaint's queue columns (migration complaints 0026), which a
    complaint moved meanwhile updates. The row is the one both writers lock, so the move
    waits for this rewrite (or it for the move) and each writes its own columns; deleted and
    inserted again, the move would find its row gone and the new row keep the old values
    (``complaints/tests/test_search_columns_concurrency.py``)."""
    new = list(entries)
    table = model._meta.db_table
    if connection.vendor != "postgresql":
        model.objects.filter(**{f"{id_column}__in": ids}).delete()
        model.objects.bulk_create(new)
        return
    kept_ids = [getattr(entry, id_column) for entry in new]
    with connection.cursor() as cursor:  # the words they held, the rows locked in id order
        cursor.execute(
            f"SELECT tsvector_to_array(words) FROM {table} WHERE {id_column} = ANY(%s) "  # noqa: S608
            f"ORDER BY {id_column} FOR NO KEY UPDATE",
            [list(ids)],
        )
        old = {w for row in cursor.fetchall() for w in row[0]}
        cursor.execute(
            f"DELETE FROM {table} WHERE {id_column} = ANY(%s) AND NOT {id_column} = ANY(%s)",  # noqa: S608
            [list(ids), kept_ids],
        )
    columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    model.objects.bulk_create(
        new, update_conflicts=True, unique_fields=[id_column], update_fields=columns
    )
    kept = {w for entry in new for w in entry.document.split()}
    forget_words(table, old - kept)


def forget_words(table: str, gone: set[str]) -> None:
    """PostgreSQL: after the commit, take out of the table's lexicon those of `gone` that no
    row holds. In a transaction of its own that first locks the lexicon against writers
    (SHARE ROW EXCLUSIVE; their triggers take ROW EXCLUSIVE): a writer that added a row with
    one of these words has committed by then and the check sees its row, and one that adds
    it later puts the word back. (Run after the commit, holding nothing, two of these wait
    for each other rather than deadlock.)"""
    if connection.vendor != "postgresql" or not gone:
        return
    words_gone = sorted(gone)

    def forget() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table}_lexicon IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                f"DELETE FROM {table}_lexicon AS l WHERE l.word = ANY(%s) "  # noqa: S608
                f"AND NOT EXISTS (SELECT FROM {table} AS t "
                "WHERE t.words @@ quote_literal(l.word)::tsquery)",
                [words_gone],
            )

    transaction.on_commit(forget)


# --- migrations --------------------------------------------------------------------------------


def create_index(schema_editor: BaseDatabaseSchemaEditor, table: str, id_column: str) -> None:
    """The engine's word index over ``table.document`` (a RunPython step of the owning app)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        fts = f"{table}_fts"
        for statement in (
            f"CREATE VIRTUAL TABLE {fts} USING fts5(document, content='{table}', "
            f"content_rowid='{id_column}', prefix='2 3', tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}(rowid, document) VALUES (new.{id_column}, new.document); END",
            f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, document) "
            f"VALUES ('delete', old.{id_column}, old.document); END",
            sqlite_update_trigger(table, id_column),
        ):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        # A stored tsvector: matching (and rechecking rows) never re-parses the document.
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN words tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_words ON {table} USING gin (words)")


def sqlite_update_trigger(table: str, id_column: str) -> str:
    """SQLite: the trigger keeping the FTS5 table in step when a search row is updated (a
    migration filling a new column of every row sets it aside: it rewrites each row's words)."""
    fts = f"{table}_fts"
    return (
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, document) "
        f"VALUES ('delete', old.{id_column}, old.document); "
        f"INSERT INTO {fts}(rowid, document) VALUES (new.{id_column}, new.document); END"
    )


def drop_index(schema_editor: BaseDatabaseSchemaEditor, table: str, id_column: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for trigger in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_words")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS words")


def create_lexicon(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """PostgreSQL: ``<table>_lexicon``, every word the table's documents hold (see
    `whole_words`), filled from the rows there and kept by a statement trigger on insert and
    update. A word whose rows are gone stays (it then matches nothing), so the lexicon only
    ever holds more than the index: a term is never looked for as fewer words than it starts.
    A bulk load with triggers set aside (``bench/seed.py``) runs `fill_lexicon` after it.
    Nothing on other engines."""
    if schema_editor.connection.vendor != "postgresql":
        return
    lexicon = f"{table}_lexicon"
    # Filled before it is indexed (one sorted build, not 3,000,000 inserts into an index).
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(f'CREATE TABLE {lexicon} (word text COLLATE "C" NOT NULL)')
    fill_lexicon(schema_editor.connection, table)
    add_lexicon_keeping(schema_editor, table)
    for statement in (
        f"CREATE TRIGGER {lexicon}_ai AFTER INSERT ON {table} REFERENCING NEW TABLE AS added "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {lexicon}_add()",
        f"CREATE TRIGGER {lexicon}_au AFTER UPDATE ON {table} REFERENCING NEW TABLE AS added "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {lexicon}_add()",
    ):
        schema_editor.execute(statement)


def add_lexicon_keeping(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """PostgreSQL: the lexicon's index and the function its triggers run, made so that no
    writer ever waits for another's lexicon row (issue 19, search20).

    A unique key on the word with ``INSERT ... ON CONFLICT DO NOTHING`` made a writer adding a
    new word wait for the commit of another that had added it: two transactions adding words
    to both lexicons (complaint and resident) in opposite orders, or to one lexicon in two
    statements each, could deadlock (PostgreSQL fails one: a failed action for a member of
    staff). So the word is indexed but not unique, and a word is added only if no committed row
    holds it: two writers adding the same new word side by side may each add it (a duplicate,
    read once by `whole_words`' DISTINCT and removed with the rest by `forget_words`), and
    neither waits (``complaints/tests/test_search_lexicon.py``). Also turns an older lexicon
    (keyed, ``ON CONFLICT``) into this one; nothing if it is already."""
    if schema_editor.connection.vendor != "postgresql":
        return
    lexicon = f"{table}_lexicon"
    for statement in (
        f"ALTER TABLE {lexicon} DROP CONSTRAINT IF EXISTS {lexicon}_pkey",
        f"CREATE INDEX IF NOT EXISTS {lexicon}_word ON {lexicon} (word)",
        f"CREATE OR REPLACE FUNCTION {lexicon}_add() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        f"BEGIN INSERT INTO {lexicon} (word) SELECT DISTINCT w FROM added, "
        "unnest(tsvector_to_array(added.words)) AS w "
        f"WHERE NOT EXISTS (SELECT FROM {lexicon} AS l WHERE l.word = w); "
        "RETURN NULL; END $$",
    ):
        schema_editor.execute(statement)


def fill_lexicon(conn, table: str) -> None:
    """PostgreSQL: add every word of the table's rows to its lexicon (after a bulk load)."""
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table}_lexicon (word) SELECT DISTINCT w "  # noqa: S608
            f"FROM {table}, unnest(tsvector_to_array(words)) AS w "
            f"WHERE NOT EXISTS (SELECT FROM {table}_lexicon l WHERE l.word = w)"
        )


def drop_lexicon(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    lexicon = f"{table}_lexicon"
    for trigger in ("ai", "au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {lexicon}_{trigger} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {lexicon}_add()")
    schema_editor.execute(f"DROP TABLE IF EXISTS {lexicon}")
