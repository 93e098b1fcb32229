"""The triggers that keep the dashboard's tallies (``models.tally``), their fill, and a recount.

One truth: each tally's definition is written once, in ``TALLIES`` below — the key a counted
row falls under and what it adds — and from it come the triggers of both engines (SQLite and
PostgreSQL), ``fill`` (after a migration or a bulk load that set the triggers aside, such as
``bench/seed.py``) and ``recount`` (what the tally must equal: the tests compare them).

A counted row adds +1 under its key when inserted and -1 when deleted, and an update moves it
from its old key to its new one (only when a column the key or values read has changed). Each
such move is appended as a row of its own (+n under the new key, -n under the old), never an
update of a shared counter row: on PostgreSQL a writer holds every row it updated until it
commits, so counter rows updated in place made concurrent intakes queue on "received today"
and two transactions moving counts between the same two keys in opposite orders deadlock
(PostgreSQL fails one: ``tests/test_tally_concurrency.py``). An INSERT into a table with no
unique index waits for no other transaction. Readers add a key's rows up; ``compact`` (the
job ``complaints.compact_tallies``, every minute) folds them into one row a key.

Why the compaction cannot deadlock or lose a count: on PostgreSQL it is one statement that
deletes the rows of the keys it folds and inserts their sums from exactly the deleted rows
(``DELETE ... RETURNING``), so a writer's rows committed meanwhile, or not yet committed (not
visible to it), stay as they are and are added up by the readers and the next compaction.
Writers never update or delete a tally row, so it never waits for a writer and no writer
waits for it; two compactions would wait on each other's rows, so each first takes one
transaction-level advisory lock (``COMPACT_LOCK``) and they run one after the other. On SQLite
one transaction writes at a time.
SQLite has no DELETE trigger, as the append-only record (migration 0002): Django's test flush
empties tables with DELETE and the product never deletes a complaint or a stage (their record
entries protect them); PostgreSQL has one (its flush is TRUNCATE, which fires no row trigger).

A migration that makes Django rebuild ``complaints_complaint`` or ``complaints_stage`` on
SQLite (a new NOT NULL column, an altered field) leaves the new table without these triggers:
such a migration must run ``create`` and ``fill`` again after it
(``test_dashboard_tallies.py::test_the_triggers_are_there_after_every_migration`` fails until
it does). A new NOT NULL column with a constant default needs no rebuild: ``AddFieldInPlace``
adds it with ``ALTER TABLE ... ADD COLUMN`` on both engines (migration 0022).
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection, migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from putright.complaints.models.tally import NO_DATE, NO_HANDLER


@dataclass(frozen=True)
class Contribution:
    """What one counted row (``R``, the NEW or OLD row) adds to the tally, if ``when`` holds."""

    key: dict[str, str]  # tally column -> SQL over R
    values: dict[str, str]  # tally column -> SQL over R (the amount for +1)
    when: str  # SQL over R


@dataclass(frozen=True)
class Tally:
    name: str  # names the triggers and the PostgreSQL function
    source: str  # the counted table
    table: str  # the tally table
    watched: tuple[str, ...]  # the counted columns an update must move the count for
    contributions: tuple[Contribution, ...]


def _on_time(done: str, due: str) -> str:
    # As `Count("id", filter=Q(done <= due))`: a null due date is not on time.
    return f"CASE WHEN R.{done} <= R.{due} THEN 1 ELSE 0 END"


TALLIES = (
    Tally(
        name="stage_day_tally",
        source="complaints_stage",
        table="complaints_stagedaytally",
        watched=("number", "acknowledged_on", "ack_due", "responded_on", "response_due"),
        contributions=(
            Contribution(
                key={"kind": "'a'", "day": "R.acknowledged_on", "number": "R.number"},
                values={"done": "1", "on_time": _on_time("acknowledged_on", "ack_due")},
                when="R.acknowledged_on IS NOT NULL",
            ),
            Contribution(
                key={"kind": "'r'", "day": "R.responded_on", "number": "R.number"},
                values={"done": "1", "on_time": _on_time("responded_on", "response_due")},
                when="R.responded_on IS NOT NULL",
            ),
        ),
    ),
    Tally(
        name="complaint_day_tally",
        source="complaints_complaint",
        table="complaints_complaintdaytally",
        watched=("received_on", "status"),
        contributions=(
            Contribution(
                key={"received_on": "R.received_on", "status": "R.status"},
                values={"n": "1"},
                when="1 = 1",
            ),
        ),
    ),
    Tally(
        name="open_tally",
        source="complaints_complaint",
        table="complaints_opentallyrow",
        watched=("status", "handler_id", "next_due"),
        contributions=(
            Contribution(
                key={
                    "status": "R.status",
                    "handler_id": f"COALESCE(R.handler_id, {NO_HANDLER})",
                    "next_due": f"COALESCE(R.next_due, '{NO_DATE}')",
                },
                values={"n": "1"},
                when="1 = 1",
            ),
        ),
    ),
)


def _insert(tally: Tally, part: Contribution, row: str, sign: int) -> str:
    """The statement that appends `sign` times the contribution of `row` (NEW or OLD): a new
    delta row, never an update of a shared one (see the module docstring)."""
    columns = [*part.key, *part.values]
    amounts = [f"{sign} * ({sql})" for sql in part.values.values()]
    select = ", ".join([*part.key.values(), *amounts]).replace("R.", f"{row}.")
    when = part.when.replace("R.", f"{row}.")
    return f"INSERT INTO {tally.table} ({', '.join(columns)}) SELECT {select} WHERE {when};"


def _changed(tally: Tally, *, vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in tally.watched)


def _body(tally: Tally, rows: list[tuple[str, int]]) -> str:
    return " ".join(
        _insert(tally, part, row, sign) for row, sign in rows for part in tally.contributions
    )


def trigger_sql(vendor: str) -> list[str]:
    """Statements that make every tally's triggers on this engine."""
    statements = []
    for t in TALLIES:
        watched = ", ".join(t.watched)
        if vendor == "sqlite":
            statements += [
                f"CREATE TRIGGER {t.name}_ai AFTER INSERT ON {t.source} BEGIN "
                f"{_body(t, [('NEW', 1)])} END",
                f"CREATE TRIGGER {t.name}_au AFTER UPDATE OF {watched} ON {t.source} "
                f"WHEN {_changed(t, vendor=vendor)} BEGIN "
                f"{_body(t, [('OLD', -1), ('NEW', 1)])} END",
            ]
        elif vendor == "postgresql":
            statements += [
                f"CREATE OR REPLACE FUNCTION putright_{t.name}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN "
                f"{_body(t, [('OLD', -1)])} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN "
                f"{_body(t, [('NEW', 1)])} END IF; "
                "RETURN NULL; END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {t.name}_aid AFTER INSERT OR DELETE ON {t.source} "
                f"FOR EACH ROW EXECUTE FUNCTION putright_{t.name}()",
                f"CREATE TRIGGER {t.name}_au AFTER UPDATE OF {watched} ON {t.source} "
                f"FOR EACH ROW WHEN ({_changed(t, vendor=vendor)}) "
                f"EXECUTE FUNCTION putright_{t.name}()",
            ]
    return statements


def drop_sql(vendor: str) -> list[str]:
    statements = []
    for t in TALLIES:
        if vendor == "sqlite":
            statements += [f"DROP TRIGGER IF EXISTS {t.name}_{s}" for s in ("ai", "au")]
        elif vendor == "postgresql":
            statements += [
                f"DROP TRIGGER IF EXISTS {t.name}_{s} ON {t.source}" for s in ("aid", "au")
            ]
            statements.append(f"DROP FUNCTION IF EXISTS putright_{t.name}()")
    return statements


def _grouped(tally: Tally) -> str:
    """A count of the source rows grouped as the tally is: (key columns..., values...)."""
    parts = []
    for part in tally.contributions:
        key = part.key
        select = ", ".join(
            [
                *(f"{sql} AS {c}" for c, sql in key.items()),
                *(f"SUM({sql}) AS {c}" for c, sql in part.values.items()),
            ]
        )
        group = ", ".join(sql for sql in key.values() if not sql.startswith("'"))
        parts.append(
            f"SELECT {select} FROM {tally.source} R "  # noqa: S608 (our own constants)
            f"WHERE {part.when} GROUP BY {group}"
        )
    return " UNION ALL ".join(parts)


def _columns(tally: Tally) -> list[str]:
    part = tally.contributions[0]
    return [*part.key, *part.values]


def fill() -> None:
    """Empty the tallies and count them again from the rows (after a migration, or a bulk load
    that set the triggers aside)."""
    with connection.cursor() as c:
        for t in TALLIES:
            columns = ", ".join(_columns(t))
            c.execute(f"DELETE FROM {t.table}")  # noqa: S608
            c.execute(f"INSERT INTO {t.table} ({columns}) {_grouped(t)}")


def recount() -> dict[str, tuple[set[tuple], set[tuple]]]:
    """Each tally against a count of its rows, a key's rows added up and zero counts left out:
    {name: (in the tally, counted)}; equal when the tally is true."""
    found = {}
    with connection.cursor() as c:
        for t in TALLIES:
            part = t.contributions[0]
            key = ", ".join(part.key)
            sums = ", ".join(f"SUM({v})" for v in part.values)
            nonzero = " OR ".join(f"SUM({v}) <> 0" for v in part.values)
            sides = []
            for source in (t.table, f"({_grouped(t)}) counted"):
                c.execute(
                    f"SELECT {key}, {sums} FROM {source} "  # noqa: S608
                    f"GROUP BY {key} HAVING {nonzero}"
                )
                sides.append({tuple(str(v) for v in row) for row in c.fetchall()})
            found[t.name] = (sides[0], sides[1])
    return found


# Compactions take this transaction-level advisory lock on PostgreSQL, so two never delete the
# same rows at once (they would wait on each other's rows, in either order); writers never take it.
COMPACT_LOCK = 19_000_001


def _compact_sql(tally: Tally, vendor: str) -> list[str]:
    """Statements that replace the rows of every key with more than one row (or only zeros)
    by one row of their sums (none if they add up to zero)."""
    part = tally.contributions[0]
    key = ", ".join(part.key)
    values = ", ".join(part.values)
    sums = ", ".join(f"SUM({v})" for v in part.values)
    nonzero = " OR ".join(f"SUM({v}) <> 0" for v in part.values)
    allzero = " AND ".join(f"SUM({v}) = 0" for v in part.values)
    if vendor == "postgresql":
        # One statement: the rows deleted are exactly the rows summed (RETURNING), whatever
        # commits meanwhile; a writer's rows not yet committed are not seen, so not touched.
        # It reports how many rows it deleted and inserted (one row: gone, put).
        return [
            f"WITH gone AS (DELETE FROM {tally.table} WHERE ({key}) IN ("  # noqa: S608
            f"SELECT {key} FROM {tally.table} GROUP BY {key} "
            f"HAVING COUNT(*) > 1 OR ({allzero})) RETURNING {key}, {values}), "
            f"put AS (INSERT INTO {tally.table} ({key}, {values}) "
            f"SELECT {key}, {sums} FROM gone GROUP BY {key} HAVING {nonzero} RETURNING 1) "
            "SELECT (SELECT COUNT(*) FROM gone), (SELECT COUNT(*) FROM put)"
        ]
    # SQLite: one writer at a time (transactions are IMMEDIATE), so both statements see the
    # same rows up to `upto` (the highest id when the compaction began; the sums are inserted
    # above it, the ids being AUTOINCREMENT).
    chosen = (
        f"id <= %(upto)s AND ({key}) IN (SELECT {key} FROM {tally.table} WHERE id <= %(upto)s "  # noqa: S608
        f"GROUP BY {key} HAVING COUNT(*) > 1 OR ({allzero}))"
    )
    return [
        f"INSERT INTO {tally.table} ({key}, {values}) "  # noqa: S608
        f"SELECT {key}, {sums} FROM {tally.table} WHERE {chosen} GROUP BY {key} HAVING {nonzero}",
        f"DELETE FROM {tally.table} WHERE {chosen}",  # noqa: S608
    ]


def compact() -> int:
    """Fold each tally's deltas into one row per key (the scheduled job
    ``complaints.compact_tallies``; idempotent, safe beside writers and beside another
    compaction): how many rows fewer, as its DELETEs and INSERTs report them (the tables are
    not counted)."""
    vendor = connection.vendor
    fewer = 0
    with transaction.atomic(), connection.cursor() as c:
        if vendor == "postgresql":
            c.execute("SELECT pg_advisory_xact_lock(%s)", [COMPACT_LOCK])
            for t in TALLIES:
                (statement,) = _compact_sql(t, vendor)
                c.execute(statement)
                gone, put = c.fetchone()
                fewer += gone - put
            return fewer
        for t in TALLIES:
            c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t.table}")  # noqa: S608
            upto = {"upto": c.fetchone()[0]}
            put, delete = _compact_sql(t, vendor)
            c.execute(put, upto)
            fewer -= c.rowcount
            c.execute(delete, upto)
            fewer += c.rowcount
    return fewer


# A writer that moves at least this many counted rows at once folds what it appended before it
# returns (``fold_after_bulk``); fewer are left to the minute's job.
FOLD_AFTER = 1_000


def fold_after_bulk(moved: int) -> int:
    """The one door for bulk movers (a closure's ``deadlines_recount``, ``stored_refresh``, an
    import): after `moved` counted rows were written, fold the tallies now (``compact``) if that
    is at least FOLD_AFTER; how many rows fewer. Left to the minute's job, a recount of every
    open deadline at 1,000,000 complaints leaves about 500,000 deltas that every dashboard
    reads until the job runs. Called inside the mover's transaction (the recount's): on
    PostgreSQL its deltas are never seen unfolded, and a compaction waiting for this one's
    advisory lock holds nothing the mover waits for."""
    return compact() if moved >= FOLD_AFTER else 0


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in trigger_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class AddFieldInPlace(migrations.AddField):
    """``AddField`` of a NOT NULL column with a constant default, made with ``ALTER TABLE ...
    ADD COLUMN ... DEFAULT ... NOT NULL`` on both engines, which keeps the table (and the
    column keeps its DEFAULT). Django's SQLite AddField of such a column copies the table into
    a new one, which would drop the tally triggers on it and take minutes at a million rows.
    The migration state is AddField's, so ``makemigrations`` sees no difference."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: Any,
        to_state: Any,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        schema_editor.execute(
            add_column_sql(schema_editor, model, model._meta.get_field(self.name))
        )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: Any,
        to_state: Any,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        column = schema_editor.quote_name(model._meta.get_field(self.name).column)
        schema_editor.execute(f"ALTER TABLE {model._meta.db_table} DROP COLUMN {column}")

    def describe(self) -> str:
        return f"{super().describe()} (in place: ALTER TABLE ... ADD COLUMN)"


def add_column_sql(schema_editor: BaseDatabaseSchemaEditor, model: Any, field: Any) -> str:
    """``ALTER TABLE ... ADD COLUMN "name" type DEFAULT value NOT NULL`` for a NOT NULL field
    with a constant default (refused otherwise: a rebuild or Django's own AddField is needed)."""
    default = schema_editor.effective_default(field)
    if field.null or default is None or field.primary_key or field.unique or field.remote_field:
        raise ValueError(f"{field.name}: in place only for a plain NOT NULL column with a default")
    kind = field.db_type(schema_editor.connection)
    value = schema_editor.quote_value(default)
    return (
        f"ALTER TABLE {model._meta.db_table} ADD COLUMN "
        f"{schema_editor.quote_name(field.column)} {kind} DEFAULT {value} NOT NULL"
    )
