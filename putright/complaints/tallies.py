"""The triggers that keep the dashboard's tallies (``models.tally``), their fill, and a recount.

One truth: each tally's definition is written once, in ``TALLIES`` below — the key a counted
row falls under and what it adds — and from it come the triggers of both engines (SQLite and
PostgreSQL), ``fill`` (after a migration or a bulk load that set the triggers aside, such as
``bench/seed.py``) and ``recount`` (what the tally must equal: the tests compare them).

A counted row adds +1 under its key when inserted and -1 when deleted, and an update moves it
from its old key to its new one (only when a column the key or values read has changed).
SQLite has no DELETE trigger, as the append-only record (migration 0002): Django's test flush
empties tables with DELETE and the product never deletes a complaint or a stage (their record
entries protect them); PostgreSQL has one (its flush is TRUNCATE, which fires no row trigger).

A migration that makes Django rebuild ``complaints_complaint`` or ``complaints_stage`` on
SQLite (a new NOT NULL column, an altered field) leaves the new table without these triggers:
such a migration must run ``create`` and ``fill`` again after it
(``test_dashboard_tallies.py::test_the_triggers_are_there_after_every_migration`` fails until
it does).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from putright.complaints.models.tally import NO_DATE, NO_HANDLER, SHARDS


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


# The remainder of id / SHARDS, without "%" (a placeholder to psycopg) or MOD (not in every
# SQLite): integer division on both engines.
SHARD = f"R.id - (R.id / {SHARDS}) * {SHARDS}"

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


def _upsert(tally: Tally, part: Contribution, row: str, sign: int, *, vendor: str) -> str:
    """The statement that adds `sign` times the contribution of `row` (NEW or OLD)."""
    key = {**part.key, "shard": SHARD}
    columns = [*key, *part.values]
    amounts = [f"{sign} * ({sql})" for sql in part.values.values()]
    select = ", ".join([*key.values(), *amounts]).replace("R.", f"{row}.")
    when = part.when.replace("R.", f"{row}.")
    prefix = f"{tally.table}." if vendor == "postgresql" else ""
    sets = ", ".join(f"{c} = {prefix}{c} + excluded.{c}" for c in part.values)
    return (
        f"INSERT INTO {tally.table} ({', '.join(columns)}) "
        f"SELECT {select} WHERE {when} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets};"
    )


def _changed(tally: Tally, *, vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in tally.watched)


def _body(tally: Tally, rows: list[tuple[str, int]], *, vendor: str) -> str:
    return " ".join(
        _upsert(tally, part, row, sign, vendor=vendor)
        for row, sign in rows
        for part in tally.contributions
    )


def trigger_sql(vendor: str) -> list[str]:
    """Statements that make every tally's triggers on this engine."""
    statements = []
    for t in TALLIES:
        watched = ", ".join(t.watched)
        if vendor == "sqlite":
            statements += [
                f"CREATE TRIGGER {t.name}_ai AFTER INSERT ON {t.source} BEGIN "
                f"{_body(t, [('NEW', 1)], vendor=vendor)} END",
                f"CREATE TRIGGER {t.name}_au AFTER UPDATE OF {watched} ON {t.source} "
                f"WHEN {_changed(t, vendor=vendor)} BEGIN "
                f"{_body(t, [('OLD', -1), ('NEW', 1)], vendor=vendor)} END",
            ]
        elif vendor == "postgresql":
            statements += [
                f"CREATE OR REPLACE FUNCTION putright_{t.name}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN "
                f"{_body(t, [('OLD', -1)], vendor=vendor)} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN "
                f"{_body(t, [('NEW', 1)], vendor=vendor)} END IF; "
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
        key = {**part.key, "shard": SHARD}
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
    return [*part.key, "shard", *part.values]


def fill() -> None:
    """Empty the tallies and count them again from the rows (after a migration, or a bulk load
    that set the triggers aside)."""
    with connection.cursor() as c:
        for t in TALLIES:
            columns = ", ".join(_columns(t))
            c.execute(f"DELETE FROM {t.table}")  # noqa: S608
            c.execute(f"INSERT INTO {t.table} ({columns}) {_grouped(t)}")


def recount() -> dict[str, tuple[set[tuple], set[tuple]]]:
    """Each tally against a count of its rows, shards added up and zero counts left out:
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


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in trigger_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)
