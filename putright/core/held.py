"""Held writes: the same services decide, and a bulk writer writes a whole chunk at once.

Live use writes each row as a service decides it. An import of history (100,000 rows) runs the
very same services inside ``holding()``: every new row a service would insert is kept in
memory instead, in order, and ``Held.flush`` writes them with one INSERT per table (and the
deferred index rebuilds once per chunk). Nobody else can see a case before it is committed, so
while holding the services neither lock nor reload it, and read what they need from the rows
held (``held_rows``).

The services use this module's doors for their writes (``save``, ``create``, ``bulk_create``,
``pk_of`` for an id kept in a record entry, ``after_write`` for index rebuilds) and
``service`` instead of ``transaction.atomic``; outside ``holding()`` each does exactly what it
did before. One row of the chunk is decided at a time (``Held.row``): a row a service refuses
leaves nothing behind, as its savepoint would.
"""

import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, post_save, pre_init, pre_save

_current: ContextVar["Held | None"] = ContextVar("held_writes", default=None)
# Hooks run on a table's held rows just before they are inserted (e.g. numbering references),
# keyed by the model's label: registered by the app that owns the table.
_before_insert: dict[str, Callable[[list[Any]], None]] = {}
# Tables whose rows others point at are written first; the rest in the order first held.
WRITE_ORDER = [
    "people.Property",
    "people.Resident",
    "imports.ImportedResident",
    "people.Tenancy",
    "complaints.Complaint",
    "complaints.Stage",
    "complaints.ComplaintPoint",
    "complaints.Extension",
    "complaints.Response",
    "complaints.Decision",
    "complaints.Remedy",
    "complaints.OutstandingAction",
    "complaints.Exclusion",
    "complaints.OmbudsmanReferral",
    "complaints.CaseEvent",
    "imports.ImportedComplaint",
]


class PkOf:
    """The id of a held row, known once it is written (kept in a record entry's data)."""

    __slots__ = ("obj",)

    def __init__(self, obj: models.Model) -> None:
        self.obj = obj


class Held:
    """The rows decided for a chunk, kept in order, written by `flush`."""

    def __init__(self) -> None:
        self.kept: list[models.Model] = []
        self.kept_after: dict[Callable, list[Any]] = defaultdict(list)
        self.kept_before: dict[tuple[type[models.Model], Callable], list[Any]] = defaultdict(list)
        self.updates: list[tuple[type[models.Model], Any, dict[str, Any]]] = []
        self._row: list[models.Model] | None = None
        self._row_after: list[tuple[Callable, list[Any]]] = []
        self._row_before: list[tuple[tuple[type[models.Model], Callable], list[Any]]] = []
        self._row_updates: list[tuple[type[models.Model], Any, dict[str, Any]]] = []
        self._seen: set[int] = set()

    def __len__(self) -> int:
        return len(self.kept)

    @contextmanager
    def row(self) -> Iterator[None]:
        """Decide one row: kept if the block ends normally, forgotten if it raises."""
        self._row, self._row_after, self._row_updates = [], [], []
        self._row_before = []
        try:
            yield
        except BaseException:
            for obj in self._row:
                self._seen.discard(id(obj))
            raise
        else:
            self.kept += self._row
            for fn, items in self._row_after:
                self.kept_after[fn] += items
            for key, objs in self._row_before:
                self.kept_before[key] += objs
            self.updates += self._row_updates
        finally:
            self._row, self._row_after, self._row_updates = None, [], []
            self._row_before = []

    def add(self, obj: models.Model) -> None:
        if id(obj) in self._seen:
            return
        self._seen.add(id(obj))
        (self._row if self._row is not None else self.kept).append(obj)

    def later(self, fn: Callable, items: list[Any]) -> None:
        if self._row is not None:
            self._row_after.append((fn, items))
        else:
            self.kept_after[fn] += items

    def before(self, fn: Callable, objs: list[models.Model]) -> None:
        """Call `fn(objs)` when the chunk is written, before any of its rows is."""
        key = (type(objs[0]), fn)
        if self._row is not None:
            self._row_before.append((key, objs))
        else:
            self.kept_before[key] += objs

    def written_items(self, fn: Callable) -> list[Any]:
        """What the chunk keeps for `after_write(fn, ...)` that is known before it is written
        (not a held row's id, `pk_of`): rows written before, which others can see and lock."""
        return [i for i in self.kept_after.get(fn, ()) if not isinstance(i, PkOf)]

    def update(self, model: type[models.Model], pk: Any, fields: dict[str, Any]) -> None:
        (self._row_updates if self._row is not None else self.updates).append((model, pk, fields))

    def flush(self, meanwhile: Callable[[], None] | None = None) -> int:
        """Write every kept row (one INSERT per table and batch), then the deferred updates and
        index rebuilds; returns how many rows were inserted. Call inside a transaction.
        `meanwhile`: work that needs nothing of the database, done once everything is sent
        (on PostgreSQL while the server finishes writing it: `_written_together`)."""
        tables: dict[type[models.Model], list[models.Model]] = {}
        for obj in self.kept:
            tables.setdefault(type(obj), []).append(obj)
        rank = {label: i for i, label in enumerate(WRITE_ORDER)}
        order = sorted(tables, key=lambda m: rank.get(m._meta.label, len(rank)))
        # What each table needs read before anything is written (numbering references, the
        # `before_write` calls: rows written before the chunk): the writes below then need no
        # answer from the database (`_written_together`).
        for model in order:
            rows = tables[model]
            hook = _before_insert.get(model._meta.label)
            if hook is not None:
                hook(rows)
            for (of, fn), objs in self.kept_before.items():
                if of is model:
                    fn(objs)
        with _written_together(order, tables, meanwhile) as insert:
            for model in order:
                insert(model, tables[model])
            _update_grouped(self.updates)
            for fn, items in self.kept_after.items():
                fn(_resolved(items))
        written = len(self.kept)
        for obj in self.kept:
            _forget_held(obj)
        self.kept, self.kept_after, self.updates, self._seen = [], defaultdict(list), [], set()
        self.kept_before = defaultdict(list)
        return written


def _forget_held(obj: models.Model) -> None:
    """A written row no longer needs what the services decided beside it (`held_rows`, a held
    stage's extensions): dropped, so the chunk's rows, which point at each other through
    them, are freed as soon as the import lets go of them rather than left for the cycle
    collector's full scans (each scan reads every object alive: a few tenths of a second)."""
    d = obj.__dict__
    d.pop("_held_rows", None)
    d.pop("_prefetched_objects_cache", None)


UPDATE_BATCH = 200  # rows a grouped UPDATE sets (two parameters each, and the id list)


def _update_grouped(updates: list[tuple[type[models.Model], Any, dict[str, Any]]]) -> None:
    """The deferred updates, one statement per table, set of fields and batch instead of one a
    row (a tenancy's start moved earlier: hundreds a chunk): `UPDATE ... SET f = CASE id WHEN
    ... END WHERE id IN (...)`. A row updated twice gets its last values, as one at a time."""
    merged: dict[tuple[type[models.Model], Any], dict[str, Any]] = {}
    for model, pk, fields in updates:
        merged.setdefault((model, pk), {}).update(fields)
    groups: dict[tuple[type[models.Model], tuple[str, ...]], dict[Any, dict[str, Any]]] = {}
    for (model, pk), fields in merged.items():
        groups.setdefault((model, tuple(sorted(fields))), {})[pk] = fields
    for (model, names), rows in groups.items():
        items = list(rows.items())
        for start in range(0, len(items), UPDATE_BATCH):
            batch = items[start : start + UPDATE_BATCH]
            if len(batch) == 1:
                model.objects.filter(pk=batch[0][0]).update(**batch[0][1])
                continue
            model.objects.filter(pk__in=[pk for pk, _ in batch]).update(
                **{
                    name: models.Case(
                        *(
                            models.When(pk=pk, then=models.Value(f[name], output_field=field))
                            for pk, f in batch
                        ),
                        output_field=field,
                    )
                    for name in names
                    for field in [model._meta.get_field(name)]
                }
            )


def _resolved(items: list[Any]) -> list[Any]:
    return [i.obj.pk if isinstance(i, PkOf) else i for i in items]


NOT_HELDABLE = (
    "held rows need an automatic id (or, given, a key that is another table's row), no "
    "database default, no parent table and plain values "
    "(not SQL expressions); write this row at once (held.released) or change the service"
)


class NotHeldable(TypeError):
    """A held row `Held.flush` cannot write (see `NOT_HELDABLE`)."""


# Fields whose value, when already of this type (or None), goes to the database as it is:
# what `get_db_prep_save` returns for them on SQLite and PostgreSQL.
_AS_IS: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.EmailField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
}
_MISSING = object()


class _Table:
    """How one table's held rows are inserted: the columns `bulk_create` would write, each
    with how its value is made ready (worked out once per table and connection), and one
    INSERT ... VALUES (...), (...) RETURNING per batch, its SQL built once per batch size.
    The values are exactly those `bulk_create` sends (each field's `get_db_prep_save`, its
    `pre_save` where it has one, related rows' ids); only Django's per-value SQL compiling
    is skipped. A table keyed by another table's row (a search row, keyed by its complaint
    or resident: `keyed`) is written with its key given and nothing returned, and may skip
    rows whose key is there already (`ignore_conflicts`, as `bulk_create`'s)."""

    def __init__(
        self,
        model: type[models.Model],
        connection: Any,
        *,
        ignore_conflicts: bool = False,
        with_ids: bool = False,
    ) -> None:
        meta = model._meta
        self.connection = connection
        self.fields = [
            f
            for f in meta.concrete_fields
            if not f.generated and (with_ids or not isinstance(f, models.AutoField))
        ]
        self.columns = []
        for f in self.fields:
            now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            plain = _AS_IS.get(type(f))
            if plain is None and f.is_relation and type(f.target_field) in _AS_IS:
                plain = _AS_IS[type(f.target_field)]
            elif plain is None and f.is_relation and isinstance(f.target_field, models.AutoField):
                plain = int
            # Dates: what get_db_prep_save comes to for a date (an aware datetime) as it is.
            adapt = None
            if type(f) is models.DateField:
                adapt = (date, connection.ops.adapt_datefield_value)
            elif type(f) is models.DateTimeField:
                adapt = (datetime, connection.ops.adapt_datetimefield_value)
            self.columns.append((f, f.attname, plain, now, adapt))
        self.relations = [
            (f, f.name, f.attname, f.target_field.attname) for f in self.fields if f.is_relation
        ]
        # Ids given (`with_ids`, taken from the sequence first: `_ids_taken`): nothing returned.
        self.returning = [] if with_ids else list(meta.db_returning_fields)
        self.converters = []  # as the compiler applies them to returned values
        for f in self.returning:
            col = f.get_col(meta.db_table)
            fns = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            self.converters.append((col, fns))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        insert = connection.ops.insert_statement(on_conflict=on_conflict)
        self.head = f"{insert} {quote(meta.db_table)} ({columns}) "
        self.tail, self.tail_params = connection.ops.returning_columns(self.returning)
        if ignore_conflicts:  # only a keyed table: nothing returned, so nothing to match up
            suffix = connection.ops.on_conflict_suffix_sql(self.fields, on_conflict, None, None)
            self.tail = f"{suffix} {self.tail}".strip()
        self.row_sql = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        # PostgreSQL: one array a column (UNNEST), as bulk_create sends many rows there, so
        # the client binds a few arrays rather than thousands of values; sent in binary, apart
        # from the SQL (`_arrays_cursor`).
        self.unnest = connection.vendor == "postgresql" and all(
            not hasattr(f, "get_placeholder_sql")
            and (f.target_field if f.is_relation else f).get_internal_type()
            in connection.data_types
            for f in self.fields
        )
        if self.unnest:
            arrays = ", ".join(
                f"(%b)::{f.db_type(connection).split('(')[0]}[]" for f in self.fields
            )
            self.unnest_sql = f"{self.head}SELECT * FROM UNNEST({arrays}) {self.tail}"  # noqa: S608 - names from the model
        # One parameter spare for the LIMIT of a padded batch (`statement`).
        self.batch = max(
            1,
            min(500, connection.ops.bulk_batch_size([*self.fields, self.fields[0]], [None] * 500)),
        )
        self.pad = connection.vendor == "sqlite"
        self._sql: dict[tuple[int, bool], str] = {}

    @classmethod
    def usable(
        cls, model: type[models.Model], rows: list[models.Model], *, with_ids: bool = False
    ) -> bool:
        meta = model._meta
        automatic = isinstance(meta.pk, models.AutoField)
        return (
            (
                (automatic and not with_ids and all(obj.pk is None for obj in rows))
                or (
                    (cls.keyed(model) or (automatic and with_ids))
                    and all(obj.pk is not None for obj in rows)
                )
            )
            and not meta.order_with_respect_to
            and not any(f.has_db_default() for f in meta.concrete_fields)
            and not any(p._meta.concrete_model is not meta.concrete_model for p in meta.all_parents)
        )

    @staticmethod
    def keyed(model: type[models.Model]) -> bool:
        """A table whose key is another table's row (one-to-one, not a parent link): its
        rows are written with their key given."""
        pk = model._meta.pk
        return isinstance(pk, models.OneToOneField) and not pk.remote_field.parent_link

    def values(self, obj: models.Model) -> list[Any]:
        """The row's values as bulk_create sends them; its related held rows' ids and ids in
        its data (`pk_of`) filled in first."""
        d = obj.__dict__
        cache = obj._state.fields_cache
        for field, name, attname, target in self.relations:
            rel = cache.get(name, _MISSING)
            if rel is _MISSING or rel is None:
                continue
            if rel.pk is None:  # as bulk_create: never a silently empty relation
                raise ValueError(
                    "bulk_create() prohibited to prevent data loss due to unsaved "
                    f"related object '{name}'."
                )
            if d.get(attname) in field.empty_values:
                d[attname] = getattr(rel, target)
            if getattr(rel, target) != d.get(attname):
                del cache[name]
        out = []
        prep_connection = self.connection
        for field, attname, plain, now, adapt in self.columns:
            if now:
                value = field.pre_save(obj, True)
            else:
                value = d.get(attname, _MISSING)
                # None as it is for dates too: their adapters return None for None.
                if type(value) is plain or (value is None and (plain or adapt) is not None):
                    out.append(value)
                    continue
                if value is _MISSING:
                    value = getattr(obj, attname)
                if type(value) is PkOf:
                    value = value.obj.pk
                    setattr(obj, attname, value)
                elif type(value) is dict and any(type(v) is PkOf for v in value.values()):
                    value = {k: _resolved([v])[0] for k, v in value.items()}
                    setattr(obj, attname, value)
            if (
                adapt is not None
                and type(value) is adapt[0]
                and (adapt[0] is date or value.tzinfo is not None)
            ):
                out.append(adapt[1](value))
                continue
            if hasattr(value, "resolve_expression"):
                raise NotHeldable(f"{type(obj)._meta.label}.{attname}: {NOT_HELDABLE}")
            out.append(field.get_db_prep_save(value, prep_connection))
        return out

    def statement(self, n: int) -> tuple[str, int]:
        """The INSERT for n rows, and how many empty rows pad it. On SQLite a batch smaller
        than a full one is padded to the next power of two and cut by `LIMIT n`
        (`INSERT ... SELECT * FROM (VALUES ...) LIMIT %s`): a table has at most ten INSERT
        texts whatever the chunks' sizes, so sqlite3's cache of prepared statements (128 a
        connection, each holding its placeholders) stays small instead of filling with one
        text a size met, and it is still one statement a batch. PostgreSQL writes many rows
        through UNNEST (one text), so other sizes there are rare and not kept."""
        padded = self.pad and 1 < n < self.batch
        size = min(1 << (n - 1).bit_length(), self.batch) if padded else n
        sql = self._sql.get((size, padded))
        if sql is None:
            values = ", ".join([self.row_sql] * size)
            if padded:
                sql = f"{self.head}SELECT * FROM (VALUES {values}) LIMIT %s {self.tail}"  # noqa: S608 - names from the model
            else:
                sql = f"{self.head}VALUES {values} {self.tail}"
            if padded or n in (1, self.batch):
                self._sql[size, padded] = sql
        return sql, (size - n if padded else -1)

    def insert(self, rows: list[models.Model], prepared: list[list[Any]] | None = None) -> None:
        if prepared is None:
            prepared = [self.values(obj) for obj in rows]
        db = self.connection.alias
        returning = self.returning
        converters = self.converters
        bulk = self.unnest and len(rows) > 1  # a live row: no second cursor to open
        with (
            _rows_cursor(self.connection) as cursor,
            _arrays_cursor(self.connection, wanted=bulk) as arrays,
        ):
            for start in range(0, len(rows), self.batch):
                objs = rows[start : start + self.batch]
                batch = prepared[start : start + self.batch]
                if self.unnest and len(batch) > 1:
                    columns = [list(column) for column in zip(*batch, strict=True)]
                    arrays.execute(self.unnest_sql, [*columns, *self.tail_params])
                    used = arrays
                else:
                    params = [v for values in batch for v in values]
                    sql, padding = self.statement(len(objs))
                    if padding >= 0:
                        params += [None] * (padding * len(self.fields))
                        params.append(len(objs))
                    cursor.execute(sql, [*params, *self.tail_params])
                    used = cursor
                if not returning:  # a keyed table: its key was given
                    for obj in objs:
                        obj._state.adding = False
                        obj._state.db = db
                    continue
                returned = self.connection.ops.fetch_returned_rows(used, self.tail_params)
                for obj, values in zip(objs, returned, strict=True):
                    for field, value, (col, fns) in zip(returning, values, converters, strict=True):
                        for fn in fns:
                            value = fn(value, col, self.connection)
                        setattr(obj, field.attname, value)
                    obj._state.adding = False
                    obj._state.db = db


@contextmanager
def _arrays_cursor(connection: Any, *, wanted: bool = True) -> Iterator[Any]:
    """PostgreSQL: a cursor that sends its parameters apart from the SQL (psycopg's
    server-side binding), for the UNNEST INSERTs' column arrays. Django's cursors bind on the
    client (its default): psycopg then writes every value of every array into the SQL text as
    a quoted literal, a Python call or more per value, and the server parses that text back
    again. In binary (`%b`) a 500-row statement took a third of the client's CPU and a quarter
    of the wall time; the import 7-16 % less CPU (bench/README.md, "Import rate", imp25).
    Wrapped like Django's own cursors, so its statements are counted and logged the same.
    Elsewhere, or not `wanted`, None (SQLite binds apart anyway; UNNEST is PostgreSQL's alone)."""
    if connection.vendor != "postgresql" or not wanted:
        yield None
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        yield cursor


# SQLite: the held INSERTs' SQL as sqlite3 takes it ("?" for "%s"), by the text Django's
# cursor is given; a table has at most ten texts (`_Table.statement`), so this stays small.
_QMARK_TEXTS: dict[str, str] = {}
_QMARK_TEXTS_KEPT = 512


def _rows_cursor(connection: Any) -> Any:
    """The cursor the held rows' VALUES INSERTs go through. On SQLite, Django's own cursor
    except that each INSERT text is turned into sqlite3's placeholders once, not at every
    execution: Django's regular expression over the multi-row INSERTs' texts was 3 % of a
    SQLite import's CPU (bench/README.md, "Import rate", imp25). Elsewhere Django's own
    cursor."""
    if connection.vendor != "sqlite":
        return connection.cursor()
    connection.ensure_connection()
    return connection._prepare_cursor(connection.connection.cursor(factory=_qmark_kept()))


@functools.cache
def _qmark_kept() -> type:
    """Django's SQLite cursor, its "%s" to "?" conversion kept by the query's text."""
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    class QmarkKept(SQLiteCursorWrapper):
        def convert_query(self, query: str, *, param_names: Any = None) -> str:
            if param_names is not None:
                return super().convert_query(query, param_names=param_names)
            converted = _QMARK_TEXTS.get(query)
            if converted is None:
                if len(_QMARK_TEXTS) >= _QMARK_TEXTS_KEPT:
                    _QMARK_TEXTS.clear()
                converted = _QMARK_TEXTS[query] = super().convert_query(query)
            return converted

    return QmarkKept


_tables: dict[tuple[type[models.Model], str, bool], _Table] = {}


def _insert(
    model: type[models.Model],
    rows: list[models.Model],
    *,
    ignore_conflicts: bool = False,
    with_ids: bool = False,
) -> None:
    """Insert a table's held rows (in order, ids set on them), as `bulk_create` would: the one
    way held rows are written. A row it cannot write (`_Table.usable`, a value that is an SQL
    expression) is a mistake in the service that held it: refused, never written another way.
    `with_ids`: their ids are set already (`_ids_taken`) and written with them."""
    if not _Table.usable(model, rows, with_ids=with_ids) or (
        ignore_conflicts and not _Table.keyed(model)
    ):
        raise NotHeldable(f"{model._meta.label}: {NOT_HELDABLE}")
    _table(model, ignore_conflicts=ignore_conflicts, with_ids=with_ids).insert(rows)


def _table(
    model: type[models.Model], *, ignore_conflicts: bool = False, with_ids: bool = False
) -> _Table:
    connection = connections[router.db_for_write(model)]
    key = (model, connection.alias, ignore_conflicts, with_ids)
    table = _tables.get(key)
    if table is None or table.connection is not connection:
        table = _tables[key] = _Table(
            model, connection, ignore_conflicts=ignore_conflicts, with_ids=with_ids
        )
    return table


# PostgreSQL: a chunk's writes sent one after another without waiting for each answer
# (psycopg's pipeline mode), so the server writes one table while the import makes the next
# table's values ready, instead of each waiting for the other (bench/README.md, imp27).
# False: each statement waits for its answer, as before.
PIPELINED = True


@contextmanager
def _written_together(
    order: list[type[models.Model]],
    tables: dict[type[models.Model], list[models.Model]],
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Callable[[type[models.Model], list[models.Model]], None]]:
    """Write a chunk's tables (yields how to insert one; the block also runs the chunk's
    updates and `after_write` hooks). On PostgreSQL (`PIPELINED`), when every table is on
    one connection: the new rows' ids are taken from their sequences first (`_ids_taken`),
    so no INSERT needs another's answer, and the statements go in one pipeline; its errors
    are raised when it ends, as Django's. The foreign keys (deferred to the commit, as Django
    makes them) are checked as the writing goes, each time every row the rows written since
    the last check point at is in (`_checked_when_complete`): the server checks them while
    the import makes the next table ready, instead of all at the commit while it waits.
    Anything in the block that reads (a row not in memory) waits for what was sent before
    it, so still reads the chunk's own rows. Once the block has sent everything, the last
    check goes too (what the commit would check) and `meanwhile` runs while the server works
    through it all; only then is the pipeline's answer awaited. Elsewhere each table is
    inserted as before, and `meanwhile` runs after the block."""
    connection = {_table(model).connection for model in order}
    db = next(iter(connection)) if len(connection) == 1 else None
    if not PIPELINED or db is None or db.vendor != "postgresql":
        yield _insert
        if meanwhile is not None:
            meanwhile()
        return
    automatic = [m for m in order if isinstance(m._meta.pk, models.AutoField)]
    _ids_taken(db, [(m, tables[m]) for m in automatic])
    given = set(automatic)
    checks = _checked_when_complete(db, order, tables)
    db.ensure_connection()

    def insert(model: type[models.Model], rows: list[models.Model]) -> None:
        _insert(model, rows, with_ids=model in given)
        checks(model)

    with db.wrap_database_errors, db.connection.pipeline():
        yield insert
        checks(None)
        if meanwhile is not None:
            meanwhile()


def _ids_taken(db: Any, tables: list[tuple[type[models.Model], list[models.Model]]]) -> None:
    """Set each new row's id from its table's sequence, in the rows' order, for all the tables
    in one statement (PostgreSQL): the ids `RETURNING` would have given, known before any
    row is sent."""
    wanted = [(model, rows) for model, rows in tables if rows]
    if not wanted:
        return
    parts, params = [], []
    for model, rows in wanted:
        parts.append("ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))")
        params += [_sequence(db, model), len(rows)]
    with db.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        taken = cursor.fetchone()
    for (model, rows), ids in zip(wanted, taken, strict=True):
        attname = model._meta.pk.attname
        for obj, pk in zip(rows, ids, strict=True):
            obj.__dict__[attname] = pk


_sequences: dict[tuple[str, type[models.Model]], str] = {}


def _sequence(db: Any, model: type[models.Model]) -> str:
    key = (db.alias, model)
    name = _sequences.get(key)
    if name is None:
        meta = model._meta
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            name = _sequences[key] = cursor.fetchone()[0]
    return name


# Rows sent unchecked before their foreign keys are checked in the pipeline (two statements a
# check: `_checked_when_complete`).
CHECK_EVERY_ROWS = 500


def _checked_when_complete(
    db: Any, order: list[type[models.Model]], tables: dict[type[models.Model], list[models.Model]]
) -> Callable[[type[models.Model] | None], None]:
    """After a table is sent: once `CHECK_EVERY_ROWS` rows or more wait unchecked, and every
    row they point at is written by now (a row of a table the chunk writes later is not),
    ask the server to check those foreign keys now (`SET CONSTRAINTS ALL IMMEDIATE`, which
    checks what waited for the commit) and to defer them again. A check the rows are not
    ready for waits, as before, for a later one or for the commit, so no row is refused that
    the commit would accept. None: everything is sent, so what waits is checked now (what
    the commit would check, the rows written by the chunk's hooks too)."""
    writing = set(order)
    points_at = {
        model: {
            f.related_model._meta.concrete_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        & writing
        for model in order
    }
    sent: set[type[models.Model]] = set()
    unchecked: set[type[models.Model]] = set()
    waiting = 0

    def sent_one(model: type[models.Model] | None) -> None:
        nonlocal waiting
        if model is not None:
            sent.add(model)
            unchecked.add(model)
            waiting += len(tables[model])
        if model is None or (
            waiting >= CHECK_EVERY_ROWS and all(points_at[m] <= sent for m in unchecked)
        ):
            with db.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            unchecked.clear()
            waiting = 0

    return sent_one


def insert(
    model: type[models.Model], rows: list[models.Model], *, ignore_conflicts: bool = False
) -> None:
    """Insert these new rows now, through the held rows' writer (`bulk_create`'s rows, without
    its SQL compiler): for the rows a chunk's hooks build once it is written, such as the
    search rows keyed by their complaint or resident (`ignore_conflicts`: a row whose key is
    there already is kept, for a keyed table only)."""
    if rows:
        _insert(model, rows, ignore_conflicts=ignore_conflicts)


# Python's cycle collector scans its youngest objects every 700 new ones (its default). While
# holding, nearly every new object (the held rows, their cases, the rows' data) lives until the
# chunk is written, so each scan found nothing to free and the survivors were scanned again in
# the older generations: a fifth of an import's CPU (3.2 s of 15 for 10,000 rows). Scanning
# every 10,000 cost 1.1 s, with peak memory 189 → 215 MB (bench/README.md, imp21).
YOUNG_COLLECTION_EVERY = 10_000


# A full scan of every object alive every this many chunks of a bulk import (`collected_by_chunk`).
FULL_COLLECTION_EVERY = 20


@contextmanager
def collected_by_chunk() -> Iterator[Callable[[], None]]:
    """Python's cycle collector run once a chunk instead of by its counts, for a bulk import:
    the young objects (what the chunk left alive, and its cycles) after each chunk, and every
    object every `FULL_COLLECTION_EVERY` chunks; as before afterwards. Yields what to call
    when a chunk is done."""
    enabled = gc.isenabled()
    gc.disable()
    done = 0

    def chunk_done() -> None:
        nonlocal done
        done += 1
        gc.collect(2 if done % FULL_COLLECTION_EVERY == 0 else 1)

    try:
        yield chunk_done
    finally:
        if enabled:
            gc.enable()


@contextmanager
def holding() -> Iterator[Held]:
    """Keep the services' new rows in memory until `flush` (the import's bulk path); the cycle
    collector's youngest generation is scanned less often meanwhile (`YOUNG_COLLECTION_EVERY`),
    and as before afterwards."""
    held = Held()
    token = _current.set(held)
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_COLLECTION_EVERY), *thresholds[1:])
    try:
        yield held
    finally:
        gc.set_threshold(*thresholds)
        _current.reset(token)


@contextmanager
def released() -> Iterator[None]:
    """Write at once again inside `holding()` (to write the held rows, or a row that must go
    through the services one at a time)."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> Held | None:
    """The held writes of the running import, or None (live use: every write happens now)."""
    return _current.get()


def before_insert(label: str) -> Callable:
    """Register what to do to a table's held rows just before they are written."""

    def register(fn: Callable[[list[Any]], None]) -> Callable[[list[Any]], None]:
        _before_insert[label] = fn
        return fn

    return register


# `save` methods that, for a new row, do nothing but `Model.save` (an append-only model's,
# which refuses only rows already written): a model whose `save` is one of these may have
# its new rows written by the writer (`_inserted_now`).
_PLAIN_SAVES: set[Callable] = {models.Model.save}


def plain_save_for_new_rows[F: Callable](fn: F) -> F:
    """Mark a model's `save` override that does, for a new row, exactly what `Model.save`
    does, so `save` and `create` may write its new rows through the writer."""
    _PLAIN_SAVES.add(fn)
    return fn


def save(obj: models.Model, update_fields: Iterable[str] | None = None) -> None:
    """`obj.save(update_fields=...)`, or, while holding, keep a new row to write in bulk. A new
    row is written at once by the held rows' writer where it writes what `save` would
    (`_inserted_now`)."""
    if obj.pk is None:
        held = _current.get()
        if held is not None:
            held.add(obj)
            return
        if update_fields is None and _inserted_now(obj):
            return
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=list(update_fields))


def create[M: models.Model](model: type[M], **values: Any) -> M:
    """`model.objects.create(**values)`, or held (the row made by `_New`: the same instance
    `model(**values)` makes, without Django's per-field work). Live, written at once by the
    held rows' writer where it writes what `save` would (`_inserted_now`)."""
    obj = _maker(model).make(values)
    held = _current.get()
    if held is None:
        if not _inserted_now(obj):
            obj.save(force_insert=True)
        return obj
    held.add(obj)
    return obj


def _inserted_now(obj: models.Model) -> bool:
    """Insert a new row now as `obj.save()` would (the same columns and values, the id and
    the instance's state set after), through the held rows' writer: one INSERT without
    Django's SQL compiler, a fifth of a live create's CPU (bench/README.md, held25). Only
    for a model whose `save` adds nothing for a new row (`_PLAIN_SAVES`), without
    `pre_save` / `post_save` receivers, database routers or generic relations, and a row
    `_Table` can write; False (nothing done, nothing written) leaves the row to `save`,
    which then also raises exactly `save`'s errors (an unsaved related row, a bad value)."""
    model = type(obj)
    live = _live.get(model)
    if live is None:
        meta = model._meta
        live = _live[model] = (
            model.save in _PLAIN_SAVES
            and not meta.private_fields
            and not meta.auto_created
            and isinstance(meta.pk, models.AutoField)
            and _Table.usable(model, [])
        )
    if (
        not live
        or obj.pk is not None
        or router.routers
        or (pre_save.receivers and pre_save.has_listeners(model))
        or (post_save.receivers and post_save.has_listeners(model))
    ):
        return False
    table = _table(model)
    try:
        values = table.values(obj)
    except (ValueError, TypeError):  # NotHeldable (an SQL expression) is a TypeError
        return False
    with transaction.mark_for_rollback_on_error(using=table.connection.alias):
        table.insert([obj], [values])
    return True


_live: dict[type[models.Model], bool] = {}


def new[M: models.Model](model: type[M], **values: Any) -> M:
    """`model(**values)`, a new row a service then writes (`save`, `bulk_create`); while
    holding made by `_New`, like `create`'s (the complaint, its stages, points, decisions and
    remedies: about seven instances a row of an import)."""
    if _current.get() is None:
        return model(**values)
    return _maker(model).make(values)  # type: ignore[return-value]


def _maker(model: type[models.Model]) -> "_New":
    maker = _makers.get(model)
    if maker is None:
        maker = _makers[model] = _New(model)
    return maker


class _New:
    """A new row made as `Model.__init__` makes it from keyword arguments, for the rows an
    import holds (about nine a complaint, a sixth of deciding in `Model.__init__`): each
    field's value or default put in the instance's dict, and a related row as its descriptor
    puts it (its id, the cache both ways for a one-to-one, the database alias), the fields
    worked out once per model. Anything else — a signal receiver, a database router, a
    keyword that is not a field, a field with its own descriptor, a value of another type
    for a relation — goes to `Model.__init__` itself. Constant defaults are put in with one
    dict update; callable ones called per row.
    test_fast_equals_row_by_row.py holds the two equal on every row of random histories,
    test_held_writes.py the callable defaults."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.names: set[str] = set()
        # Defaults the same object every time (no default, or a value, not a callable: what
        # `Field._get_default` returns then) are put in at once; callable ones per row.
        self.constants: dict[str, Any] = {}
        self.callables: list[tuple[str, Callable[[], Any]]] = []
        self.relations: dict[str, tuple[Any, str, str, Any]] = {}  # by name
        self.relation_ids: dict[str, str] = {}  # a relation's attname → its name
        # By the names of the keyword arguments given: `_defaults_called`'s answer.
        self.by_names: dict[tuple[str, ...], list[tuple[str, Callable]] | None] = {}
        self.usable = not router.routers
        for f in model._meta.fields:
            if f.column is None or f.generated:
                continue
            descriptor = model.__dict__.get(f.attname)
            if f.is_relation:
                one = f.related_fields[0][1].attname if len(f.related_fields) == 1 else None
                forward = model.__dict__.get(f.name)
                self.usable &= (
                    one is not None
                    and type(descriptor) is ForeignKeyDeferredAttribute
                    and type(forward) in (ForwardManyToOneDescriptor, ForwardOneToOneDescriptor)
                    and not (f.primary_key and f.remote_field.parent_link)
                )
                self.relations[f.name] = (
                    f.remote_field.model,
                    one,
                    f.attname,
                    None if f.remote_field.multiple else f,
                )
                self.relation_ids[f.attname] = f.name
                default = f.get_default
                self.names |= {f.name, f.attname}
            else:
                self.usable &= type(descriptor) is DeferredAttribute and f.name == f.attname
                default = f._get_default
                self.names.add(f.name)
            if f.has_default() and callable(f.default):
                self.callables.append((f.attname, default))
            else:
                self.constants[f.attname] = default()

    def _defaults_called(self, keys: tuple[str, ...]) -> list[tuple[str, Callable]] | None:
        """For keyword arguments with these names: the callable defaults to call (those of
        the fields not given), or None when `Model.__init__` must make the row (a name that
        is not a field; a relation given both as a row and as an id: as `Model.__init__`
        does it). Worked out once per set of names: a service makes its rows with the same
        names every time, and this test per row was a twentieth of deciding."""
        given = set(keys)
        if not self.names.issuperset(given) or any(
            name in given for attname, name in self.relation_ids.items() if attname in given
        ):
            return None
        return [
            (attname, default)
            for attname, default in self.callables
            if attname not in given and self.relation_ids.get(attname) not in given
        ]

    def make(self, values: dict[str, Any]) -> models.Model:
        model = self.model
        keys = tuple(values)
        called = self.by_names.get(keys, _MISSING)
        if called is _MISSING:
            called = self._defaults_called(keys)
            if len(self.by_names) < _NAMES_KEPT:
                self.by_names[keys] = called
        if (
            called is None
            or not self.usable
            or (pre_init.receivers and pre_init.has_listeners(model))
            or (post_init.receivers and post_init.has_listeners(model))
        ):
            return model(**values)
        obj = model.__new__(model)
        state = obj._state = ModelState()
        d = obj.__dict__
        d.update(self.constants)
        for attname, default in called:
            d[attname] = default()
        cache = state.fields_cache
        relations = self.relations
        for name, value in values.items():
            rel = relations.get(name)
            if rel is None:  # a field's value, or a relation's id
                d[name] = value
                continue
            if value is None:
                d[rel[2]] = None
            elif type(value) is not rel[0]:
                setattr(obj, name, value)  # the descriptor checks it (and refuses)
                continue
            else:
                if state.db is None:
                    state.db = value._state.db or DEFAULT_DB_ALIAS
                if value._state.db is None:
                    value._state.db = state.db
                elif value._state.db != state.db:
                    setattr(obj, name, value)  # the descriptor refuses the relation
                d[rel[2]] = getattr(value, rel[1])
                if rel[3] is not None:  # one-to-one: the other side knows this row
                    rel[3].remote_field.set_cached_value(value, obj)
            cache[name] = value
        return obj


_makers: dict[type[models.Model], _New] = {}
_NAMES_KEPT = 64  # sets of keyword names a model's `_New` keeps answers for


def bulk_create[M: models.Model](model: type[M], objs: Iterable[M]) -> list[M]:
    """`model.objects.bulk_create(objs)`, or held."""
    held = _current.get()
    rows = list(objs)
    if held is None:
        return model.objects.bulk_create(rows)
    for obj in rows:
        held.add(obj)
    return rows


def update(model: type[models.Model], pk: Any, **fields: Any) -> None:
    """`model.objects.filter(pk=pk).update(**fields)`, or held until the chunk is written."""
    held = _current.get()
    if held is None:
        model.objects.filter(pk=pk).update(**fields)
    else:
        held.update(model, pk, fields)


def pk_of(obj: models.Model) -> Any:
    """The row's id, to keep in a record entry; while holding, filled in when written."""
    if obj.pk is None and _current.get() is not None:
        return PkOf(obj)
    return obj.pk


def after_write(fn: Callable[[list[Any]], Any], items: list[Any]) -> None:
    """Call `fn(items)` now, or, while holding, once for the whole chunk after it is written
    (index rebuilds: one query per table and chunk instead of per row). Items may be held
    rows' ids (`pk_of`)."""
    held = _current.get()
    if held is None:
        fn(_resolved(items))
    else:
        held.later(fn, items)


def before_write(fn: Callable[[list[Any]], Any], objs: list[models.Model]) -> None:
    """Call `fn(objs)` on new rows of one table now, just before the service writes them, or,
    while holding, once for the chunk's held rows before any row of the chunk is sent (with
    the reference numbering: on PostgreSQL a read in the pipeline would wait there for every
    INSERT sent before it). It reads what was written before the chunk; rows the chunk itself
    holds are not written yet, and have no id yet, so a value that depends on them is written
    again once they are (a new tenancy's `after_write`, as `resident_facts_set` says). For a
    value the rows store that is read from the database (one query a chunk instead of one a
    row): the service calls it the same way live and held."""
    held = _current.get()
    if held is None:
        fn(objs)
    elif objs:
        held.before(fn, objs)


_savepoint_free: ContextVar[bool] = ContextVar("held_savepoint_free", default=False)


@contextmanager
def without_savepoints() -> Iterator[None]:
    """A service called inside runs in the caller's open transaction with no savepoint of its
    own (the services it calls keep theirs), and an error in it marks that whole transaction
    for rollback (`transaction.set_rollback`) instead of undoing only the service's writes.
    Only for a caller that then starts again in a new transaction whatever failed
    (core.idempotency, for a keyed create): there the savepoint was two statements a create,
    one of them with the year's reference counter held (bench/README.md, intake26)."""
    token = _savepoint_free.set(True)
    try:
        yield
    finally:
        _savepoint_free.reset(token)


def service[F: Callable](fn: F) -> F:
    """`transaction.atomic` for a service, except while holding: nothing is written then, so
    there is nothing to roll back (and no savepoint to pay for); and inside
    `without_savepoints`, the caller's transaction, doomed whole by an error."""
    atomic = transaction.atomic(fn)

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        if _current.get() is not None:
            return fn(*args, **kwargs)
        if _savepoint_free.get():
            token = _savepoint_free.set(False)
            try:
                return fn(*args, **kwargs)
            except BaseException:
                transaction.set_rollback(True)
                raise
            finally:
                _savepoint_free.reset(token)
        return atomic(*args, **kwargs)

    return run  # type: ignore[return-value]


def held_rows(obj: models.Model) -> dict[str, Any] | None:
    """While holding, what has been decided for this new case (its stages, points, ...),
    kept on the instance; None when live (read the database)."""
    if _current.get() is None:
        return None
    rows = vars(obj).get("_held_rows")
    if rows is None:
        rows = obj._held_rows = {}  # type: ignore[attr-defined]
    return rows
