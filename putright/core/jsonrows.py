"""Small lists fetched inside another row: each list as one JSON value, so a page that shows a
dozen short per-case lists needs one query for all of them instead of one query each.

``JSONRows(queryset, names)`` is an expression (for ``.annotate``) holding the rows of a
values() queryset, in its order, as JSON text: ``[[v1, v2, ...], ...]``. The queryset must
stand alone (no ``OuterRef``): filter it by a value the outer query is looked up by (a unique
reference), so each list is one indexed lookup.

``model_rows(queryset)`` does it for whole model rows, and ``instances(model, text)`` turns
the text back into model instances with the same values a normal query gives (dates, aware
datetimes, decimals, booleans, JSON), so templates and methods see no difference.

SQLite (``json_group_array``) and PostgreSQL (``json_agg``) both keep the order of the inner
ordered subquery.

``prepared(key, build, value)`` reads a page's lists in one query whose SQL is built once per
process and database (``core.built_once``), then only puts each request's value (a reference)
into it: building a dozen querysets and compiling them was a third of the case page's CPU. On
PostgreSQL the query is also a server-side prepared statement (``PREPARE``, once per
connection), so the server stops planning it after its first executions: planning the case
page's lists took 10-35 ms of the server's time a page at 1,000,000 complaints, running them
under 1 ms.
``prepared_first(key, build, value)`` does the same for a fixed-shape lookup of model rows
(the API token with its user, on every API request; a new complaint's resident with their
home): the first instance the queryset gives. ``prepared_values`` gives every row of a
``values_list`` (a new complaint's resident facts).
"""

import itertools
import json
import re
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import F
from django.db.models.expressions import Expression
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler
from django.utils.dateparse import parse_datetime

from putright.core.built_once import built_once


class JSONRows(Expression):
    """The rows of a values() queryset (columns `names`) as one JSON text, '[]' if none."""

    output_field = models.TextField()

    def __init__(self, queryset: models.QuerySet, names: list[str], json_names: tuple = ()):
        super().__init__(output_field=models.TextField())
        self.queryset = queryset
        self.names = list(names)
        self.json_names = set(json_names)  # columns holding JSON (embedded as JSON, not text)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> "JSONRows":
        return self  # stands alone: nothing of the outer query to resolve

    def get_group_by_cols(self) -> list:
        return []

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        inner, params = self.queryset.query.get_compiler(connection=connection).as_sql()
        q = connection.ops.quote_name
        if connection.vendor == "sqlite":
            cols = ", ".join(
                f'JSON("rows".{q(n)})' if n in self.json_names else f'"rows".{q(n)}'
                for n in self.names
            )
            agg = f"JSON_GROUP_ARRAY(JSON_ARRAY({cols}))"
        else:
            cols = ", ".join(f'"rows".{q(n)}' for n in self.names)
            agg = f"COALESCE(JSON_AGG(JSON_BUILD_ARRAY({cols})), '[]'::json)::text"
        # Column names are quoted by the backend; the inner SQL is Django's, with its params.
        return f'(SELECT {agg} FROM ({inner}) AS "rows")', tuple(params)  # noqa: S608


def _fields(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def model_rows(queryset: models.QuerySet, related: tuple[str, ...] = ()) -> JSONRows:
    """Whole rows of `queryset`'s model (every concrete field), in the queryset's order, each
    followed by the whole row of each foreign key in `related` (as ``select_related``)."""
    model = queryset.model
    columns = [(f, f.attname) for f in _fields(model)]
    for name in related:
        columns += [(f, f"{name}__{f.attname}") for f in _fields(_related_model(model, name))]
    names = [f"c{i}" for i in range(len(columns))]
    values = queryset.values(**{n: F(path) for n, (_, path) in zip(names, columns, strict=True)})
    json_names = tuple(
        n for n, (f, _) in zip(names, columns, strict=True) if isinstance(f, models.JSONField)
    )
    return JSONRows(values, names, json_names)


def _related_model(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name).related_model


def rows(text: str | None) -> list[list[Any]]:
    """The rows of a JSONRows value (numbers with a fraction as Decimal, never float)."""
    return json.loads(text or "[]", parse_float=Decimal)


def _value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None and settings.USE_TZ and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # SQLite keeps datetimes in UTC, naive
        return moment
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.TimeField | models.DurationField | models.BinaryField):
        raise TypeError(f"{field} is not supported by jsonrows")
    return value


def instances(
    model: type[models.Model],
    text: str | None,
    using: str = "default",
    related: tuple[str, ...] = (),
) -> list[Any]:
    """The model instances of a `model_rows` value, as a normal query would give them (with
    the same `related`: each foreign key's object cached, as ``select_related`` does)."""
    fields = _fields(model)
    keys = [model._meta.get_field(name) for name in related]
    key_fields = [_fields(key.related_model) for key in keys]
    found = []
    for row in rows(text):
        obj = model.from_db(
            using,
            [f.attname for f in fields],
            [_value(f, v) for f, v in zip(fields, row, strict=False)],
        )
        start = len(fields)
        for key, other in zip(keys, key_fields, strict=True):
            values = [_value(f, v) for f, v in zip(other, row[start:], strict=False)]
            start += len(other)
            target = None
            if values[other.index(key.related_model._meta.pk)] is not None:
                target = key.related_model.from_db(using, [f.attname for f in other], values)
            key.set_cached_value(obj, target)
        found.append(obj)
    return found


def set_prefetched(instance: models.Model, name: str, objects: list[Any]) -> None:
    """Make ``instance.<name>.all()`` (a reverse foreign key) give `objects` without a query,
    as ``prefetch_related`` does."""
    manager = getattr(instance, name)
    for obj in objects:  # each row's own foreign key back to `instance`, as prefetching does
        manager.field.set_cached_value(obj, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


@dataclass(frozen=True)
class _Read:
    names: list[str]
    sql: str
    params: tuple
    places: frozenset[int]  # positions of the value in params
    statement: str = ""  # PostgreSQL: the prepared statement's name ("": none)
    prepare: str = ""  # PostgreSQL: the PREPARE that makes it, the value as its one parameter


# PostgreSQL: the prepared statements each open connection (psycopg's) holds. A new connection
# (Django reconnects) is a new key; a name is never reused (a rebuilt read gets a new one).
_ON_SERVER: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()
_STATEMENT_NUMBERS = itertools.count(1)


def prepared(
    key: str, build: Callable[[str], dict[str, Expression]], value: str, using: str = "default"
) -> dict[str, str]:
    """The JSON text of each of `build(value)`'s expressions (``JSONRows``), read in one query
    of their own, its SQL built once per `key` and database vendor (``core.built_once``) and
    then reused with `value` put wherever it is a parameter. A query of its own: inside a query
    that also joins, PostgreSQL's planning of the lists grew with the joins (15-30 ms at 1M).

    On PostgreSQL it runs as ``EXECUTE`` of a statement prepared once per connection (the
    ``PREPARE`` is sent on the connection itself, like Django's own session settings, so it is
    not one of a page's counted queries): after five runs PostgreSQL keeps a generic plan and
    stops planning it (10-35 ms a page at 1M). A pooler that hands one server session to
    several clients (PgBouncer in transaction mode) does not keep ``PREPARE``d statements.

    `build` must use `value` only as a query parameter (a filter's value) and nothing else
    that changes between calls (today's date, settings): everything else in its SQL is kept
    (``built_once`` refuses a build that reads the clock).
    ``core/tests/test_jsonrows.py`` holds the case page's prepared read equal to a fresh one."""
    connection = connections[using]
    read = built_once(
        ("jsonrows.prepared", key),
        lambda: _prepare(key, build, connection),
        using=using,
        fingerprint=lambda built, _using: (built.sql, built.params),
    )
    with connection.cursor() as cursor:
        if read.statement:
            on_server = _ON_SERVER.setdefault(connection.connection, set())
            if read.statement not in on_server:
                connection.connection.execute(read.prepare)
                on_server.add(read.statement)
            cursor.execute(f"EXECUTE {read.statement}(%s)", [value])
        else:
            cursor.execute(
                read.sql, [value if i in read.places else p for i, p in enumerate(read.params)]
            )
        row = cursor.fetchone()
    return dict(zip(read.names, row, strict=True))


def _marker(key: str) -> str:
    return f"<{key}: the value>"


def _prepare(key: str, build: Callable[[str], dict[str, Expression]], connection: Any) -> _Read:
    marker = _marker(key)
    compiler = Query(None).get_compiler(connection=connection)
    names, columns, params = [], [], []
    for name, expression in build(marker).items():
        sql, expression_params = expression.as_sql(compiler, connection)
        names.append(name)
        columns.append(f"{sql} AS {connection.ops.quote_name(name)}")
        params.extend(expression_params)
    places = frozenset(i for i, p in enumerate(params) if p == marker)
    read = _Read(names, "SELECT " + ", ".join(columns), tuple(params), places)
    # (With psycopg's server-side binding the EXECUTE's own parameter would be refused.)
    if connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        read = _server_prepared(read, marker, connection)
    return read


def _server_prepared(read: _Read, marker: str, connection: Any) -> _Read:
    """The read as a PostgreSQL prepared statement: the other parameters (constants, by
    `prepared`'s rule) written in as literals by psycopg, the value as $1."""
    import psycopg

    connection.ensure_connection()
    text = psycopg.ClientCursor(connection.connection).mogrify(read.sql, read.params)
    literal = f"'{marker}'"
    if text.count(literal) != len(read.places):  # quoted otherwise: keep the plain query
        return read
    statement = f"putright_rows_{next(_STATEMENT_NUMBERS)}"
    body = text.replace(literal, "$1")
    return _Read(
        read.names,
        read.sql,
        read.params,
        read.places,
        statement=statement,
        prepare=f"PREPARE {statement}(text) AS {body}",
    )


class _Built:
    """What compiling a queryset once gave: its SQL and parameters (the value's places marked)
    and what the ORM reads back from the compiler to make instances of the rows; on
    PostgreSQL also the prepared statement it runs as (as `prepared`'s reads do)."""

    def __init__(
        self, compiler: SQLCompiler, sql: str, params: tuple, marker: str | int, key: str
    ) -> None:
        self.sql = sql
        self.params = params
        self.places = frozenset(i for i, p in enumerate(params) if p == marker)
        self.statement, self.prepare = _statement_of(compiler.connection, sql, params, marker, key)
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        self.col_count = compiler.col_count
        self.has_extra_select = compiler.has_extra_select


class _BuiltCompiler(SQLCompiler):
    """Answers `as_sql` with the SQL built once (`_Built`), the request's value put in."""

    query: "_BuiltQuery"

    def as_sql(self, with_limits: bool = True, with_col_aliases: bool = False) -> Any:
        built, value = self.query.built
        self.select = built.select
        self.klass_info = built.klass_info
        self.annotation_col_map = built.annotation_col_map
        self.col_count = built.col_count
        self.has_extra_select = built.has_extra_select
        if built.statement:
            self.connection.ensure_connection()
            on_server = _ON_SERVER.setdefault(self.connection.connection, set())
            if built.statement not in on_server:
                self.connection.connection.execute(built.prepare)
                on_server.add(built.statement)
            return f"EXECUTE {built.statement}(%s)", (value,)
        params = tuple(value if i in built.places else p for i, p in enumerate(built.params))
        return built.sql, params


_STATEMENTS: dict[str, str] = {}  # name -> SQL, for `run_statement`


_EXECUTED = re.compile(r"\s*EXECUTE\s+putright_(\w+)\s*\(")  # a `run_statement`, as run


def statement_run(sql: str) -> str:
    """The statement a query's text runs: the SQL behind a `run_statement` ``EXECUTE`` (as
    logged and as an execute wrapper sees it), else the text itself."""
    match = _EXECUTED.match(sql)
    if match is None:
        return sql
    return _STATEMENTS.get(match.group(1), sql)


def run_statement(
    name: str, sql: str, params: list[Any], using: str = "default", *, rows: bool = True
) -> list[tuple]:
    """Run a fixed statement (`sql`, with a %s for each of `params`) and give its rows (none
    for a statement that returns none). On PostgreSQL it runs as ``EXECUTE`` of a statement
    prepared once per connection, as `prepared`'s reads do: parsing and planning one of a
    create's few fixed INSERTs and UPDATEs took the server longer than running it. `name`
    stands for this one `sql` for the life of the process. Inside psycopg's pipeline (an
    import's chunk being written, core.held) a statement's answer is not there until what was
    sent before it is done: it is waited for, unless the caller wants no rows (`rows=False`:
    a lock taken in turn, nothing read)."""
    if _STATEMENTS.setdefault(name, sql) != sql:
        raise ValueError(f"{name}: already the name of another statement")
    connection = connections[using]
    with connection.cursor() as cursor:
        if _server_prepares(connection):
            statement = f"putright_{name}"
            on_server = _ON_SERVER.setdefault(connection.connection, set())
            if statement not in on_server:
                numbered = sql % tuple(f"${i}" for i in range(1, len(params) + 1))
                connection.connection.execute(f"PREPARE {statement} AS {numbered}")
                on_server.add(statement)
            places = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXECUTE {statement}({places})", params)
        else:
            cursor.execute(sql, params)
        if rows and cursor.description is None and _in_pipeline(connection):
            with connection.connection.pipeline():  # entered, it waits for what was sent
                pass
        return cursor.fetchall() if cursor.description else []


def _in_pipeline(connection: Any) -> bool:
    """PostgreSQL, in psycopg's pipeline mode: a statement's answer comes later."""
    return connection.vendor == "postgresql" and connection.connection.pgconn.pipeline_status != 0


def _server_prepares(connection: Any) -> bool:
    """PostgreSQL with psycopg's client-side binding (Django's default): PREPARE is ours."""
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    )


def _statement_of(
    connection: Any, sql: str, params: tuple, marker: str | int, key: str
) -> tuple[str, str]:
    """PostgreSQL: (name, PREPARE) for a compiled read with the value as its one parameter
    and the others (constants) written in by psycopg, so the server parses and plans it once
    per connection rather than on every request; ("", "") elsewhere, or when the value is
    not found exactly where the marker was."""
    if not _server_prepares(connection):
        return "", ""
    import psycopg

    connection.ensure_connection()
    writer = psycopg.ClientCursor(connection.connection)
    text = writer.mogrify(sql, params)
    literal = writer.mogrify("%s", (marker,))
    if text.count(literal) != sum(1 for p in params if p == marker):
        return "", ""
    # Named after the read, so a statement log (or a test) still tells the reads apart.
    statement = f"putright_{re.sub(r'\W', '_', key)}_{next(_STATEMENT_NUMBERS)}"
    return statement, f"PREPARE {statement} AS {text.replace(literal, '$1')}"


class _BuiltQuery(Query):
    built: tuple[_Built, str | int]

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        connection = connection or connections[using or "default"]
        return _BuiltCompiler(self, connection, using, elide_empty)


def _built_queryset(
    key: str,
    build: Callable[[Any], models.QuerySet],
    value: str | int,
    using: str,
    kind: str,
) -> models.QuerySet:
    """`build(value)` compiled once per `key` (and `kind`) and database vendor, as a queryset
    whose compiler answers with that SQL, `value` put in wherever it is a parameter."""
    connection = connections[using]

    def compile_once() -> tuple[models.QuerySet, _Built]:
        marker = _marker_for(key, value)
        queryset = build(marker)
        if queryset._prefetch_related_lookups:
            raise ValueError(f"{key}: a prepared read takes no prefetches")
        if kind == "first" and queryset.query.annotations:
            raise ValueError(f"{key}: prepared_first takes no annotations")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return queryset, _Built(compiler, sql, tuple(params), marker, key)

    queryset, built = built_once(
        (f"jsonrows.prepared_{kind}", key),
        compile_once,
        using=using,
        fingerprint=lambda entry, _using: (entry[1].sql, entry[1].params),
    )
    chained = queryset.using(using)
    chained.query.__class__ = _BuiltQuery
    chained.query.built = (built, value)  # type: ignore[attr-defined]
    return chained


# An id cannot be marked by text: compiling a filter turns its value into the column's type
# (int("<marker>") fails). A number no build holds as a constant marks it instead.
_ID_MARKER = -7_318_264_905_113_527_071


def _marker_for(key: str, value: str | int) -> str | int:
    return _ID_MARKER if isinstance(value, int) else _marker(key)


def prepared_first(
    key: str, build: Callable[[Any], models.QuerySet], value: str | int, using: str = "default"
) -> Any:
    """The first instance `build(value)` gives (its ``select_related`` rows attached, as the
    ORM makes them), or None; the queryset built and compiled once per `key` and database
    vendor, then each call only puts `value` (a text, or an id) in, as `prepared` does.
    `build` must use `value` only as a query parameter and nothing else that changes between
    calls, and must not annotate or prefetch. ``core/tests/test_jsonrows.py`` holds it equal
    to the queryset."""
    return next(iter(_built_queryset(key, build, value, using, "first")), None)


def prepared_values(
    key: str, build: Callable[[Any], models.QuerySet], value: str | int, using: str = "default"
) -> list[Any]:
    """Every row `build(value)` gives (a ``values_list`` queryset: tuples), its SQL built once,
    as `prepared_first` does; annotations (an ``Exists``) are allowed. ``core/tests/
    test_jsonrows.py`` holds it equal to the queryset."""
    return list(_built_queryset(key, build, value, using, "values"))
