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
  stemming, no stop words) with a GIN index.

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

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

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
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
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


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" if len(t) > 1 else t for t in terms)


def match_sql(table: str, id_column: str, terms: list[str]) -> tuple[str, list[str]]:
    """SQL selecting the ids (as ``id``) of rows whose document has every term, and its params."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT {id_column} AS id FROM {table} "  # noqa: S608
            "WHERE words @@ to_tsquery('simple', %s)",
            [_tsquery(terms)],
        )
    return (
        f"SELECT rowid AS id FROM {table}_fts WHERE {table}_fts MATCH %s",  # noqa: S608
        [_fts5_query(terms)],
    )


def count(table: str, id_column: str, terms: list[str], *, cap: int | None = None) -> int:
    """How many rows match, counted up to `cap` + 1 (beyond that, "more than `cap`")."""
    cap = COUNT_CAP if cap is None else cap
    sql, params = match_sql(table, id_column, terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({sql} LIMIT %s) AS m",  # noqa: S608
            [*params, cap + 1],
        )
        return int(cursor.fetchone()[0])


def page(table: str, id_column: str, terms: list[str], *, offset: int, limit: int) -> list[int]:
    """One page of matching ids, newest (highest id) first."""
    sql, params = match_sql(table, id_column, terms)
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
    def of_words(cls, kind: str, table: str, id_column: str, terms: list[str]) -> "SearchHits":
        return cls(
            kind=kind,
            counter=lambda: count(table, id_column, terms),
            pager=lambda offset, limit: page(table, id_column, terms, offset=offset, limit=limit),
        )


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
            f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, document) "
            f"VALUES ('delete', old.{id_column}, old.document); "
            f"INSERT INTO {fts}(rowid, document) VALUES (new.{id_column}, new.document); END",
        ):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        # A stored tsvector: matching (and rechecking rows) never re-parses the document.
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN words tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_words ON {table} USING gin (words)")


def drop_index(schema_editor: BaseDatabaseSchemaEditor, table: str, id_column: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for trigger in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_words")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS words")
