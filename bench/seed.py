"""The benches' one seed: N complaints with their people, stages, record and search rows, in SQL.

    python bench/seed.py --complaints 1000000 --sqlite-path /work/bench-data/1m.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_bench1m \\
        python bench/seed.py --complaints 1000000
    python bench/seed.py --check              # 2,000 complaints on SQLite, pages opened and checked
    BENCH_DATABASE_URL=... python bench/seed.py --check    # the same on PostgreSQL

Makes a fresh scratch database (a SQLite file is deleted first; a PostgreSQL database, whose
name must contain "bench", is dropped and made again), migrates it, and fills it with one
set-based `INSERT ... SELECT` per table, generated inside the database from a series of
integers: values come from hashing the row number, so the same N gives the same rows on both
engines, and nothing crosses from Python row by row. What it makes, for N complaints:

- N homes and N residents (unique email and phone each), 5% with a vulnerability, 5% with an
  adjustment; 30 handlers in three teams, five categories;
- N complaints in the shares of `queue_and_case.STATES` (55% closed, 3% withdrawn, 2%
  excluded, 24% open), one in five closed ones at stage 2; stages 1 and 2 as the status says,
  with clocks either side of today for open stages (acknowledgement and response due dates,
  8% extended by ten days, an update owed on extended open stages) and `next_due` equal to
  the current stage's next deadline; closed complaints with `closed_on` after their last
  response;
- 3 to 5 record entries (CaseEvent) per complaint: received, acknowledged, response,
  notes, and the closing entry for finished complaints;
- one remedy per five complaints and one outstanding action per ten (dates as
  `follow_ups.add_follow_ups` had them: 60% done, the rest due either side of today);
- 1,000 old-system references (an import batch), and the search tables
  (`ComplaintSearch`, `ResidentSearch`) with the words `search_reindex` would write (the data
  are plain ASCII, so SQL can split them the same way; `check_search_rows` compares a sample);
- one complaint with a full history made through the real services (`queue_and_case.rich_case`:
  45 record entries, two stages) for the case page.

Indexes (and on SQLite the FTS trigger and the dashboard tallies' insert triggers, on
PostgreSQL every trigger) are set aside while the tables fill and made again after; the
dashboard's tallies (`complaints.tallies`) are then counted once from the rows, and the
triggers keep them from there; then ANALYZE (PostgreSQL: VACUUM ANALYZE).
`--check` seeds a small N and opens the queue (every tab), a case page of each status, the
dashboard, the follow-ups tracker and each kind of search through the test client, asserting
200s and counts that match the seed's shares; `queue_and_case.populate` stays as the slow,
row-by-row Python seed it was written as.
"""

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import queue_and_case  # noqa: E402  (settings for a scratch database, the names, rich_case)

OLD_REFERENCES = 1000
HANDLERS = 30
CATEGORIES = ["Repairs", "Damp and mould", "Anti-social behaviour", "Staff conduct", "Rent"]
CHANNELS = ["phone", "email", "letter", "online_form", "in_person"]
TOPICS = ["a leak", "damp", "noise", "a repair", "rent"]
# Status by a number 0-99 (the shares of queue_and_case.STATES): (upper bound, status).
STATUS_BANDS = [
    (4, "received"),
    (18, "stage1_open"),
    (20, "stage2_requested"),
    (26, "stage2_open"),
    (36, "stage1_responded"),
    (40, "stage2_responded"),
    (95, "closed"),
    (98, "withdrawn"),
    (100, "excluded"),
]
OPEN = ("received", "stage1_open", "stage2_requested", "stage2_open")
FINISHED = ("closed", "withdrawn", "excluded")
STAGE2 = ("stage2_requested", "stage2_open", "stage2_responded")
BIG_TABLES = [
    "people_property",
    "people_resident",
    "people_vulnerability",
    "people_adjustment",
    "complaints_complaint",
    "complaints_stage",
    "complaints_caseevent",
    "complaints_remedy",
    "complaints_outstandingaction",
    "complaints_complaintsearch",
    "people_residentsearch",
]
FTS_TABLES = ["complaints_complaintsearch", "people_residentsearch"]


class Sql:
    """The little SQL that differs between the engines, and the hashed pseudo-random numbers."""

    # Multipliers for h(): large primes, one per use, so the numbers drawn do not move together.
    PRIMES = [
        1_000_003, 998_244_353, 1_500_450_271, 1_234_567_891, 1_876_543_211, 1_073_741_789,
        1_610_612_741, 805_306_457, 1_342_177_283, 1_879_048_201, 1_968_439_213, 1_431_655_751,
        1_717_986_923, 1_003_000_193, 1_111_111_151, 1_299_999_977,
    ]  # fmt: skip

    def __init__(self, vendor: str, today: date) -> None:
        self.pg = vendor == "postgresql"
        self.today = today

    def h(self, x: str, salt: int, mod: int) -> str:
        """A number 0..mod-1 that looks random, from the integer expression x (the row number)."""
        a = self.PRIMES[salt % len(self.PRIMES)]
        x = f"({x})::bigint" if self.pg else f"({x})"
        number = f"({x} * {a} + {salt * 7919 + 17}) % 2147483647 % {mod}"
        return f"({number})::int" if self.pg else f"({number})"

    def series(self, n: int) -> str:
        """A FROM item: the integers 1..n as column g."""
        if self.pg:
            return f"generate_series(1, {n}) AS s(g)"
        return (
            f"(WITH RECURSIVE r(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM r WHERE g < {n}) "
            "SELECT g FROM r) AS s"
        )

    def day(self, offset: str) -> str:
        """Today plus `offset` days (an integer expression)."""
        return self.plus(f"'{self.today.isoformat()}'", offset, literal=True)

    def plus(self, day: str, offset: str, *, literal: bool = False) -> str:
        if self.pg:
            return f"({'DATE ' if literal else ''}{day} + ({offset})::int)"
        return f"date({day}, ({offset}) || ' days')"

    def stamp(self, day: str, minutes: str) -> str:
        """A moment on `day`, `minutes` after midnight UTC."""
        if self.pg:
            return (
                f"(({day})::timestamp + make_interval(mins => ({minutes})::int)) AT TIME ZONE 'UTC'"
            )
        return f"datetime({day}, '+' || ({minutes}) || ' minutes')"

    def now(self) -> str:
        moment = datetime.combine(self.today, datetime.min.time()).isoformat(sep=" ")
        return f"TIMESTAMPTZ '{moment}+00'" if self.pg else f"'{moment}'"

    def year(self, day: str) -> str:
        return f"extract(year from {day})::int::text" if self.pg else f"strftime('%Y', {day})"

    def pad6(self, x: str) -> str:
        return f"lpad(({x})::text, 6, '0')" if self.pg else f"printf('%06d', {x})"

    def text(self, x: str) -> str:
        return f"({x})::text" if self.pg else f"CAST({x} AS TEXT)"

    def json(self, x: str) -> str:
        return f"({x})::jsonb" if self.pg else x

    def true(self, value: bool) -> str:
        return ("TRUE" if value else "FALSE") if self.pg else ("1" if value else "0")

    @staticmethod
    def pick(index: str, options: list[str]) -> str:
        whens = " ".join(f"WHEN {i} THEN {quote(o)}" for i, o in enumerate(options))
        return f"(CASE {index} {whens} END)"

    @staticmethod
    def words(x: str) -> str:
        """Lower case, the bench's punctuation made spaces: the words fulltext.words finds."""
        for ch in "@.-,/'":
            x = f"replace({x}, {quote(ch)}, ' ')"
        return f"lower({x})"


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def insert(
    sql: Sql, model, values: dict[str, str], rest: str, *, beyond: dict[str, str] | None = None
) -> int:
    """INSERT INTO model's table (values' columns, then every other NOT NULL column with its
    default, then `beyond`'s: columns the table has and the model does not) SELECT ... `rest`
    (FROM ... WHERE ...). Returns the rows written."""
    from django.db import connection, models

    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in values:
            expr = values[name]
        elif field.primary_key or field.null or isinstance(field, models.GeneratedField):
            continue
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            expr = sql.now() if isinstance(field, models.DateTimeField) else sql.day("0")
        elif field.has_default():
            default = field.get_default()
            if isinstance(default, bool):
                expr = sql.true(default)
            elif isinstance(default, int):
                expr = str(default)
            elif isinstance(default, str):
                expr = quote(default)
            elif isinstance(default, (dict, list)):
                expr = sql.json(quote("{}" if isinstance(default, dict) else "[]"))
            elif isinstance(default, bytes) and not default:
                expr = "''::bytea" if sql.pg else "X''"
            elif isinstance(default, date):
                expr = sql.day(str((default - sql.today).days))
            else:
                raise ValueError(f"{model.__name__}.{name}: no SQL for default {default!r}")
        elif field.blank and isinstance(field, (models.CharField, models.TextField)):
            expr = "''"
        else:
            raise ValueError(f"{model.__name__}.{name} is NOT NULL and the seed gives no value")
        columns.append(connection.ops.quote_name(field.column))
        exprs.append(f"{expr} AS {connection.ops.quote_name(field.column)}")
    for column, expr in (beyond or {}).items():
        columns.append(connection.ops.quote_name(column))
        exprs.append(f"{expr} AS {connection.ops.quote_name(column)}")
    statement = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {rest}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


# --- the complaint's attributes, from its id (c.id) and status -----------------------------


def status_of(sql: Sql, g: str) -> str:
    u = sql.h(g, 1, 100)
    whens = " ".join(f"WHEN {u} < {bound} THEN '{status}'" for bound, status in STATUS_BANDS)
    return f"(CASE {whens} END)"


def received_days_ago(sql: Sql, g: str, status: str) -> str:
    """How long ago the complaint came in, by status, so open clocks fall either side of today:
    stage 1 response due 19 days after receipt (acknowledged at 5, 14 days to respond), stage 2
    asked for 35 days after receipt, acknowledged at 5, response due 33 days after asking."""
    r = sql.h(g, 2, 1400)
    return (
        f"(CASE {status} WHEN 'received' THEN {r} % 10 "
        f"WHEN 'stage1_open' THEN 5 + {r} % 25 "
        f"WHEN 'stage2_requested' THEN 36 + {r} % 10 "
        f"WHEN 'stage2_open' THEN 48 + {r} % 31 "
        f"WHEN 'stage1_responded' THEN 20 + {r} % 60 "
        f"WHEN 'stage2_responded' THEN 70 + {r} % 100 "
        f"ELSE 80 + {r} % 1320 END)"
    )


def extended(sql: Sql, g: str) -> str:
    """8% of acknowledged stages were extended by ten days."""
    return f"({sql.h(g, 7, 100)} < 8)"


def complaint_values(sql: Sql, handlers: list[int], categories: list[int]) -> dict[str, str]:
    g = "s.g"
    status = status_of(sql, g)
    days_ago = received_days_ago(sql, g, status)
    received = sql.day(f"-{days_ago}")
    stage = (
        f"(CASE WHEN {status} IN {STAGE2} THEN 2 "
        f"WHEN {status} = 'closed' AND {sql.h(g, 3, 5)} = 0 THEN 2 ELSE 1 END)"
    )
    ext = f"(CASE WHEN {extended(sql, g)} THEN 10 ELSE 0 END)"
    next_due = (
        f"(CASE {status} WHEN 'received' THEN {sql.plus(received, '7')} "
        f"WHEN 'stage1_open' THEN {sql.plus(received, f'19 + {ext}')} "
        f"WHEN 'stage2_requested' THEN {sql.plus(received, '42')} "
        f"WHEN 'stage2_open' THEN {sql.plus(received, f'68 + {ext}')} END)"
    )
    closed_on = (
        f"(CASE WHEN {status} = 'closed' AND {stage} = 2 THEN {sql.plus(received, '65')} "
        f"WHEN {status} = 'closed' THEN {sql.plus(received, '20')} "
        f"WHEN {status} = 'withdrawn' THEN {sql.plus(received, '10')} "
        f"WHEN {status} = 'excluded' THEN {sql.plus(received, '3')} END)"
    )
    handler = f"{handlers[0]} + {sql.h(g, 4, len(handlers))}"
    category = f"{categories[0]} + {sql.h(g, 5, len(categories))}"
    channel = sql.pick(sql.h(g, 6, len(CHANNELS)), CHANNELS)
    topic = sql.pick(sql.h(g, 8, len(TOPICS)), TOPICS)
    return {
        "id": g,
        "reference": f"'CMP-' || {sql.year(received)} || '-' || {sql.pad6(g)}",
        "resident_id": g,
        "home_id": g,
        "category_id": category,
        "channel": channel,
        "received_on": received,
        "description": f"'Complaint about ' || {topic} || ' at ' || p.address_line_1 || '.'",
        "status": status,
        "current_stage": stage,
        # Three in ten complaints not yet acknowledged have a handler (as populate had it).
        "handler_id": f"(CASE WHEN {status} <> 'received' OR {sql.h(g, 9, 10)} < 3 "
        f"THEN {handler} END)",
        "next_due": next_due,
        "closed_on": closed_on,
        "logged_at": sql.stamp(received, "600"),
    }


# --- seeding, table by table --------------------------------------------------------------------


def seed(n: int, today: date, *, log=print) -> dict[str, float]:
    """Fill an empty, migrated database with n complaints and all that goes with them; returns
    seconds per table. The database must have no complaints yet."""
    from django.db import connection

    from putright.complaints.models import (
        CaseEvent,
        Complaint,
        ComplaintSearch,
        OutstandingAction,
        ReferenceCounter,
        Remedy,
        Stage,
    )
    from putright.people.models import Adjustment, Property, Resident, ResidentSearch, Vulnerability

    if Complaint.objects.exists() or Resident.objects.exists():
        raise SystemExit("seed: the database already has complaints or residents; use a fresh one")
    sql = Sql(connection.vendor, today)
    times: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, work) -> None:
        t = time.perf_counter()
        rows = work()
        times[name] = time.perf_counter() - t
        shown = f"{rows:>10,} rows" if isinstance(rows, int) else " " * 15
        log(f"  {name:<34} {shown}  {times[name]:7.1f} s", flush=True)

    handlers, categories = people_and_categories()
    set_aside = prepare(sql)
    try:
        step(
            "people_property",
            lambda: insert(
                sql,
                Property,
                {
                    "id": "s.g",
                    "address_line_1": f"{sql.text('1 + ' + sql.h('s.g', 10, 300))} || ' ' || "
                    f"{sql.pick(sql.h('s.g', 11, len(queue_and_case.STREETS)), queue_and_case.STREETS)}",
                    "town": "'Exampleton'",
                    "postcode": f"'EX' || {sql.text('1 + ' + sql.h('s.g', 12, 20))} || ' ' || "
                    f"{sql.text('1 + ' + sql.h('s.g', 13, 9))} || "
                    f"substr('ABDEFGH', 1 + {sql.h('s.g', 14, 7)}, 1) || "
                    f"substr('JLNPQRST', 1 + {sql.h('s.g', 15, 8)}, 1)",
                },
                f"FROM {sql.series(n)}",
            ),
        )
        step(
            "people_resident",
            lambda: insert(
                sql,
                Resident,
                {
                    "id": "s.g",
                    "full_name": f"{sql.pick(sql.h('s.g', 16, len(queue_and_case.FIRST)), queue_and_case.FIRST)}"
                    f" || ' ' || "
                    f"{sql.pick(sql.h('s.g', 17, len(queue_and_case.SURNAMES)), queue_and_case.SURNAMES)}",
                    # Unique contact details, so email and phone searches find one person.
                    "email": f"'resident' || {sql.text('s.g')} || '@example.org'",
                    "phone": f"'07700 ' || {sql.pad6('s.g')}",
                    "home_id": "s.g",
                },
                f"FROM {sql.series(n)}",
            ),
        )
        step(
            "people_vulnerability",
            lambda: insert(
                sql,
                Vulnerability,
                {"resident_id": "s.g", "description": "'Mobility'"},
                f"FROM {sql.series(n)} WHERE {sql.h('s.g', 18, 20)} = 0",
            ),
        )
        step(
            "people_adjustment",
            lambda: insert(
                sql,
                Adjustment,
                {"resident_id": "s.g", "kind": "'large_print'"},
                f"FROM {sql.series(n)} WHERE {sql.h('s.g', 19, 20)} = 0",
            ),
        )
        step(
            "complaints_complaint",
            lambda: insert(
                sql,
                Complaint,
                complaint_values(sql, handlers, categories),
                f"FROM {sql.series(n)} JOIN people_property p ON p.id = s.g ORDER BY s.g",
            ),
        )
        step("complaints_stage", lambda: insert(sql, Stage, *stage_sql(sql)))
        step("complaints_caseevent", lambda: insert(sql, CaseEvent, *event_sql(sql)))
        step("complaints_remedy", lambda: insert(sql, Remedy, *follow_up_sql(sql, "remedy")))
        step(
            "complaints_outstandingaction",
            lambda: insert(sql, OutstandingAction, *follow_up_sql(sql, "action")),
        )
        step("imports (old references)", old_references)
        step(
            "people_residentsearch", lambda: insert(sql, ResidentSearch, *resident_search_sql(sql))
        )
        step(
            "complaints_complaintsearch",
            lambda: insert(
                sql, ComplaintSearch, *complaint_search_sql(sql), beyond=search_copies(sql)
            ),
        )
    finally:
        step("indexes and triggers made again", lambda: restore(sql, set_aside))
    step("dashboard tallies (counted once)", dashboard_tallies)
    step("search lexicons (PostgreSQL)", search_lexicons)
    step("complaints' vulnerable flag (services)", vulnerable_flags)
    step("complaints' current-stage facts", current_stage_facts)
    # New complaints made through the services take the next numbers.
    years = Complaint.objects.dates("received_on", "year")
    ReferenceCounter.objects.bulk_create(ReferenceCounter(year=d.year, last=n) for d in years)
    step("rich case (services)", lambda: queue_and_case.rich_case(today) and None)
    step("analyse", analyse)
    times["total"] = time.perf_counter() - started
    log(f"  {'total':<34} {'':>15}  {times['total']:7.1f} s")
    return times


def people_and_categories() -> tuple[list[int], list[int]]:
    """The handlers and categories (a few rows, through the ORM); their ids, consecutive."""
    import random

    from putright.accounts.models import User
    from putright.complaints.models import Category

    rng = random.Random(2026)
    handlers = [
        User.objects.create_user(
            username=f"handler{i}",
            first_name=rng.choice(queue_and_case.FIRST),
            last_name=rng.choice(queue_and_case.SURNAMES),
            role=User.Role.HANDLER,
            team=["Complaints", "Repairs", "Housing"][i % 3],
        ).pk
        for i in range(HANDLERS)
    ]
    categories = [
        Category.objects.create(code=c.lower().replace(" ", "-"), name=c).pk for c in CATEGORIES
    ]
    for ids in (handlers, categories):
        if ids != list(range(ids[0], ids[0] + len(ids))):
            raise SystemExit("seed: handler and category ids must be consecutive")
    return handlers, categories


def stage_sql(sql: Sql) -> tuple[dict[str, str], str]:
    acknowledged = (
        "(c.status <> 'excluded' AND NOT (k.n = c.current_stage "
        "AND c.status IN ('received', 'stage2_requested')))"
    )
    requested = f"(CASE WHEN k.n = 1 THEN c.received_on ELSE {sql.plus('c.received_on', '35')} END)"
    original = f"(CASE WHEN k.n = 1 THEN {sql.plus('c.received_on', '19')} ELSE {sql.plus('c.received_on', '68')} END)"
    ext = extended(sql, "c.id")
    due = f"(CASE WHEN {ext} THEN {sql.plus(original, '10')} ELSE {original} END)"
    responded = (
        "(k.n < c.current_stage OR c.status IN ('stage1_responded', 'stage2_responded', 'closed'))"
    )
    responded_on = (
        f"(CASE WHEN k.n = 1 THEN {sql.plus('c.received_on', '15')} "
        f"ELSE {sql.plus('c.received_on', '65')} END)"
    )
    is_open = f"c.status IN {OPEN}"
    return (
        {
            "complaint_id": "c.id",
            "number": "k.n",
            "requested_on": requested,
            "ack_due": sql.plus(requested, "7"),
            "acknowledged_on": f"(CASE WHEN {acknowledged} THEN {sql.plus(requested, '5')} END)",
            "response_due_original": f"(CASE WHEN {acknowledged} THEN {original} END)",
            "response_due": f"(CASE WHEN {acknowledged} THEN {due} END)",
            "responded_on": f"(CASE WHEN {responded} THEN {responded_on} END)",
            "handler_id": "c.handler_id",
            # Code 5.9: an extended stage still open owes the resident updates.
            "update_due": f"(CASE WHEN {is_open} AND k.n = c.current_stage AND {acknowledged} "
            f"AND {ext} THEN {sql.day(f'{sql.h("c.id", 20, 16)} - 5')} END)",
        },
        "FROM complaints_complaint c JOIN (SELECT 1 AS n UNION ALL SELECT 2) k "
        "ON k.n <= c.current_stage ORDER BY c.id, k.n",
    )


def event_sql(sql: Sql) -> tuple[dict[str, str], str]:
    """3-5 entries a complaint: received; acknowledged (or a note); the stage 1 response (or a
    note); notes; and the closing entry for a finished complaint."""
    last = "(3 + c.id % 3)"
    responded = "c.status NOT IN ('received', 'stage1_open', 'withdrawn', 'excluded')"
    acked = "c.status NOT IN ('received', 'excluded')"
    finished = {"closed": "Complaint closed", "withdrawn": "Complaint withdrawn",
                "excluded": "Complaint excluded"}  # fmt: skip
    end = "c.status IN ('closed', 'withdrawn', 'excluded')"
    code = (
        f"(CASE WHEN k.n = 1 THEN 'complaint.received' "
        f"WHEN k.n = {last} AND {end} THEN 'complaint.' || c.status "
        f"WHEN k.n = 2 AND {acked} THEN 'stage.acknowledged' "
        f"WHEN k.n = 3 AND {responded} THEN 'stage.responded' ELSE 'note.added' END)"
    )
    closing = " ".join(f"WHEN '{s}' THEN {quote(t)}" for s, t in finished.items())
    summary = (
        f"(CASE WHEN k.n = 1 THEN 'Complaint received by ' || c.channel "
        f"WHEN k.n = {last} AND {end} THEN (CASE c.status {closing} END) "
        f"WHEN k.n = 2 AND {acked} THEN 'Stage 1 acknowledged and defined' "
        f"WHEN k.n = 3 AND {responded} THEN 'Stage 1 response issued' "
        f"ELSE 'Called the resident about progress' END)"
    )
    data = (
        f'(CASE WHEN k.n = 1 THEN \'{{"channel": "\' || c.channel || \'", "received_on": "\' || '
        f"{sql.text('c.received_on')} || '\"}}' "
        f'WHEN k.n = {last} AND {end} THEN \'{{"reason": "", "open_follow_ups": 0}}\' '
        f'WHEN k.n = 2 AND {acked} THEN \'{{"points": ["The repair was not done"], '
        f'"outcomes_sought": "Fix it", "responsible_for": "Repairs"}}\' '
        f'WHEN k.n = 3 AND {responded} THEN \'{{"summary": "We are sorry."}}\' '
        f'ELSE \'{{"text": "Called the resident about progress"}}\' END)'
    )
    happened = (
        f"(CASE WHEN k.n = {last} AND {end} THEN c.closed_on "
        f"WHEN k.n = 2 AND {acked} THEN {sql.plus('c.received_on', '5')} "
        f"WHEN k.n = 3 AND {responded} THEN {sql.plus('c.received_on', '15')} "
        f"ELSE c.received_on END)"
    )
    stage = f"(CASE WHEN k.n = {last} AND {end} THEN c.current_stage WHEN k.n <= 3 THEN 1 ELSE c.current_stage END)"
    series = " UNION ALL ".join(f"SELECT {i} AS n" for i in range(1, 6))
    return (
        {
            "complaint_id": "c.id",
            "code": code,
            "stage": stage,
            "summary": summary,
            "data": sql.json(data),
            "actor_id": "c.handler_id",
            "happened_on": happened,
            "recorded_at": sql.stamp(happened, "540 + k.n * 7"),
        },
        f"FROM complaints_complaint c JOIN ({series}) k ON k.n <= {last} ORDER BY c.id, k.n",
    )


def vulnerable_flags() -> int:
    """`Complaint.resident_vulnerable`, written by its one writer for the complaints of residents
    with an active vulnerability (the rest keep the default, False)."""
    from putright.complaints.models import Complaint
    from putright.complaints.services.common import refresh_resident_vulnerable
    from putright.people.models import Vulnerability

    vulnerable = Vulnerability.objects.filter(active=True).values("resident_id")
    return refresh_resident_vulnerable(Complaint.objects.filter(resident_id__in=vulnerable))


def current_stage_facts() -> int:
    """`Complaint.current_extended` and `Complaint.update_due`, the current stage's facts that
    `services.common.refresh_next_due` copies to the complaint (as migration 0018 fills them):
    two UPDATEs over the complaints concerned."""
    from django.db.models import Exists, F, OuterRef, Q, Subquery

    from putright.complaints.models import Complaint, Stage

    current = Stage.objects.filter(complaint=OuterRef("pk"), number=OuterRef("current_stage"))
    extended = current.filter(response_due__isnull=False).filter(
        Q(response_due_original__isnull=True)
        | Q(response_due__gt=F("response_due_original"))
        | Q(response_due__lt=F("response_due_original"))
    )
    n = Complaint.objects.filter(Exists(extended)).update(current_extended=True)
    owed = current.filter(update_due__isnull=False)
    return n + Complaint.objects.filter(Exists(owed)).update(
        update_due=Subquery(owed.values("update_due")[:1])
    )


def follow_up_sql(sql: Sql, kind: str) -> tuple[dict[str, str], str]:
    """A remedy on one complaint in five, an action on one in ten: due 60 days ago to 30 ahead,
    60% done (within a few days of the due date, never after today)."""
    every, salt = (5, 21) if kind == "remedy" else (10, 24)
    due = sql.day(f"{sql.h('c.id', salt, 91)} - 60")
    done_at = sql.plus(due, f"{sql.h('c.id', salt + 1, 9)} - 3")
    done_offset = f"({sql.h('c.id', salt, 91)} - 60 + {sql.h('c.id', salt + 1, 9)} - 3)"
    completed = (
        f"(CASE WHEN {sql.h('c.id', salt + 2, 10)} < 6 AND {done_offset} <= 0 THEN {done_at} END)"
    )
    # Who chases it, as services.common.follow_ups_chased_by stores it: the complaint's handler
    # (the seed's actions are owned by the handler too).
    values = {
        "complaint_id": "c.id",
        "due_on": due,
        "completed_on": completed,
        "chased_by_id": "c.handler_id",
    }
    if kind == "remedy":
        types = ["apology", "financial", "repair"]
        remedy_type = sql.pick(sql.h("c.id", 27, 3), types)
        values |= {
            "remedy_type": remedy_type,
            "description": f"(CASE {remedy_type} WHEN 'apology' THEN 'An apology.' "
            "WHEN 'financial' THEN 'Compensation for the delay.' ELSE 'Repair the window.' END)",
            "amount": f"(CASE WHEN {remedy_type} = 'financial' THEN 50 END)",
        }
    else:
        values |= {"description": "'Repair the roof.'", "owner_id": "c.handler_id"}
    return values, f"FROM complaints_complaint c WHERE c.id % {every} = 0 ORDER BY c.id"


PHONE = "replace(r.phone, ' ', '')"
POSTCODE = "upper(replace(coalesce(p.postcode, ''), ' ', ''))"
OLD = "coalesce(upper(replace(replace(i.legacy_reference, '/', ''), '-', '')), '')"


def resident_search_sql(sql: Sql) -> tuple[dict[str, str], str]:
    doc = (
        f"r.full_name || ' ' || r.email || ' ' || r.phone || ' ' || {PHONE} || ' ' || "
        "coalesce(p.uprn, '') || ' ' || coalesce(p.address_line_1, '') || ' ' || "
        "coalesce(p.address_line_2, '') || ' ' || coalesce(p.town, '') || ' ' || "
        f"coalesce(p.postcode, '') || ' ' || {POSTCODE} || ' ' || r.correspondence_address"
    )
    return (
        {
            "resident_id": "r.id",
            "postcode": POSTCODE,
            "email": "lower(r.email)",
            "phone": PHONE,
            "document": sql.words(doc),
        },
        "FROM people_resident r LEFT JOIN people_property p ON p.id = r.home_id "
        "WHERE r.merged_into_id IS NULL ORDER BY r.id",
    )


def complaint_search_sql(sql: Sql) -> tuple[dict[str, str], str]:
    doc = (
        f"c.reference || ' ' || coalesce(i.legacy_reference, '') || ' ' || {OLD} || ' ' || "
        f"r.full_name || ' ' || r.email || ' ' || r.phone || ' ' || {PHONE} || ' ' || "
        "coalesce(p.address_line_1, '') || ' ' || coalesce(p.address_line_2, '') || ' ' || "
        f"coalesce(p.town, '') || ' ' || coalesce(p.postcode, '') || ' ' || {POSTCODE} || ' ' || "
        "coalesce(cat.name, '') || ' ' || c.description || ' ' || c.outcome_wanted"
    )
    return (
        {
            "complaint_id": "c.id",
            "old_reference": OLD,
            "postcode": POSTCODE,
            "email": "lower(r.email)",
            "phone": PHONE,
            "channel": "c.channel",
            "document": sql.words(doc),
        },
        "FROM complaints_complaint c JOIN people_resident r ON r.id = c.resident_id "
        "LEFT JOIN people_property p ON p.id = coalesce(c.home_id, r.home_id) "
        "LEFT JOIN imports_importedcomplaint i ON i.complaint_id = c.id "
        "LEFT JOIN complaints_category cat ON cat.id = c.category_id ORDER BY c.id",
    )


def search_copies(sql: Sql) -> dict[str, str]:
    """PostgreSQL: the search row's copies of the complaint's queue columns, which its triggers
    (set aside while the seed loads) would write (migration complaints 0026); none elsewhere.
    The seed's later steps (the vulnerable flag, the current stage's facts) move complaints
    with the triggers back, which keep the copies."""
    from putright.complaints.search import HELD

    if not sql.pg:
        return {}
    return {column: f"c.{column}" for column in HELD if column != "channel"}


def old_references() -> int:
    """Old-system references for the first 1,000 complaints, as an import leaves them."""
    from putright.complaints.models import CaseEvent
    from putright.imports.models import ImportBatch, ImportedComplaint

    if ImportedComplaint.objects.exists():
        return 0
    batch = ImportBatch.objects.create(file_name="bench.csv", sha256="0" * 64)
    events = CaseEvent.objects.filter(code="complaint.received").order_by("complaint_id")
    made = ImportedComplaint.objects.bulk_create(
        ImportedComplaint(
            legacy_reference=f"OLD/{e.complaint_id:07d}",
            complaint_id=e.complaint_id,
            first_batch=batch,
            last_batch=batch,
            file_name="bench.csv",
            row_number=e.complaint_id,
            import_event=e,
        )
        for e in events[:OLD_REFERENCES]
    )
    return len(made)


# --- indexes, triggers and engine settings while the tables fill ------------------------------


def prepare(sql: Sql) -> list[str]:
    """Set indexes (and the SQLite FTS insert triggers) aside; returns the SQL that makes them
    again. Foreign keys are not checked row by row while seeding (the seed makes them right)."""
    from django.db import connection

    again: list[str] = []
    with connection.cursor() as cursor:
        if sql.pg:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("SET work_mem = '256MB'")  # the ORDER BY of 4M record entries in memory
            for table in BIG_TABLES:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND "
                    "indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    again.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA temp_store = MEMORY")
            for table in BIG_TABLES:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                    "AND type IN ('index', 'trigger') AND name NOT LIKE '%%\\_ad' ESCAPE '\\' "
                    "AND name NOT LIKE '%%\\_au' ESCAPE '\\'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    again.append(definition)
                    kind = "TRIGGER" if definition.upper().startswith("CREATE TRIGGER") else "INDEX"
                    cursor.execute(f'DROP {kind} "{name}"')
    return again


def restore(sql: Sql, again: list[str]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if not sql.pg:
            for table in FTS_TABLES:  # the word index, from the rows now there
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
        for definition in again:
            cursor.execute(definition)
        if sql.pg:
            cursor.execute("SET session_replication_role = origin")
            for table in ("people_property", "people_resident", "complaints_complaint"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        else:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA foreign_key_check(complaints_stage)")
            if cursor.fetchone():
                raise SystemExit("seed: a stage points at no complaint")
    return len(again)


def search_lexicons() -> None:
    """PostgreSQL: the words of the search rows loaded while the lexicons' triggers were set
    aside (`fulltext.create_lexicon`); nothing on SQLite."""
    from django.db import connection

    from putright.core import fulltext

    for table in FTS_TABLES:
        fulltext.fill_lexicon(connection, table)


def dashboard_tallies() -> None:
    """The tallies the triggers keep (`complaints.tallies`), counted once from the rows loaded
    while the triggers were set aside."""
    from putright.complaints import tallies

    tallies.fill()


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            connection.connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


# --- a scratch database ----------------------------------------------------------------------


def scratch_url(sqlite_path: str, *, reuse: bool) -> str:
    """The database to seed: BENCH_DATABASE_URL (PostgreSQL, its name must contain "bench";
    dropped and made again unless `reuse`) or a SQLite file (deleted first unless `reuse`)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        name = url.rsplit("/", 1)[-1]
        if not reuse:
            if "bench" not in name or "127.0.0.1" not in url:
                raise SystemExit(
                    "To seed, BENCH_DATABASE_URL must name a local scratch database "
                    "with 'bench' in its name (it is dropped and made again)"
                )
            import psycopg

            admin = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        return url
    scratch = Path(sqlite_path)
    if not reuse:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{scratch}"


def open_database(sqlite_path: str, *, reuse: bool) -> str:
    """Configure Django for the scratch database and migrate it; returns its URL."""
    url = scratch_url(sqlite_path, reuse=reuse)
    queue_and_case.configure(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def seeded(complaints: int, sqlite_path: str, *, reuse: bool, log=print) -> str:
    """The benches' door: a migrated scratch database with `complaints` seeded, or (with
    `reuse`) the one already there. Returns its URL."""
    url = open_database(sqlite_path, reuse=reuse)
    from django.utils import timezone

    from putright.complaints.models import Complaint

    if not Complaint.objects.exists():
        log(f"Seeding {complaints:,} complaints in {url}")
        seed(complaints, timezone.localdate(), log=log)
    return url


def counts() -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    tables = [*BIG_TABLES, "imports_importedcomplaint"]
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[table] = cursor.fetchone()[0]
    del apps
    return out


# --- --check: the app reads what the seed wrote ------------------------------------------------


def check(n: int) -> None:
    """Open every page the benches measure on the seeded data; the counts match the shares."""
    import re

    from django.test import Client

    from putright.accounts.models import User
    from putright.complaints import search
    from putright.complaints.models import Complaint, ComplaintSearch, Remedy, Stage
    from putright.core.fulltext import words
    from putright.people.models import ResidentSearch

    total = Complaint.objects.count()
    assert total == n + 1, total  # and the rich case
    open_ = Complaint.objects.open().count()
    closed = Complaint.objects.filter(status="closed").count()
    assert 0.50 < closed / n < 0.60, closed
    assert 0.20 < open_ / n < 0.28, open_
    assert Stage.objects.count() > n, "every complaint has a stage, some two"
    assert 0.18 < Remedy.objects.count() / n < 0.22
    assert ComplaintSearch.objects.count() == total
    assert ResidentSearch.objects.count() >= n
    # Open stages' clocks either side of today; closed complaints closed after receipt.
    from django.utils import timezone

    today = timezone.localdate()
    nd = list(Complaint.objects.open().values_list("next_due", flat=True))
    assert all(d is not None for d in nd)
    assert any(d < today for d in nd)
    assert any(d > today for d in nd)
    assert not Complaint.objects.filter(closed_on__lt=models_F("received_on")).exists()
    assert not Complaint.objects.filter(received_on__gt=today).exists()
    # Stored values the services keep: the vulnerable flag and who chases each follow-up.
    from putright.people.models import Vulnerability

    vulnerable = Vulnerability.objects.filter(active=True).values("resident_id")
    flagged = Complaint.objects.filter(resident_vulnerable=True)
    assert flagged.exists()
    assert not flagged.exclude(resident_id__in=vulnerable).exists()
    assert not Complaint.objects.filter(
        resident_vulnerable=False, resident_id__in=vulnerable
    ).exists()
    # The dashboard's tallies, kept by triggers since the fill, equal a count of the rows.
    from putright.complaints import tallies

    for name, (kept, counted) in tallies.recount().items():
        assert kept == counted, name
    # The current stage's facts stored on the complaint equal the stage's (a sample).
    for c in Complaint.objects.order_by("?")[:300]:
        current = c.stages.get(number=c.current_stage)
        assert (c.current_extended, c.update_due) == (current.is_extended, current.update_due), c
    assert Complaint.objects.open().filter(current_extended=True).exists()
    assert Complaint.objects.open().filter(update_due__isnull=False).exists()
    assigned = Remedy.objects.filter(complaint__handler__isnull=False)
    assert not assigned.exclude(chased_by_id=models_F("complaint__handler_id")).exists()
    # The search rows have the words search_reindex would write (a sample).
    ids = list(Complaint.objects.order_by("?").values_list("pk", flat=True)[:200])
    ids += list(
        Complaint.objects.filter(imported_from__isnull=False).values_list("pk", flat=True)[:20]
    )
    stored = {r.complaint_id: r for r in ComplaintSearch.objects.filter(complaint_id__in=ids)}
    others = search.hooks.other_references(ids)
    for c in Complaint.objects.filter(pk__in=ids).select_related(
        "resident", "resident__home", "home", "category"
    ):
        want = search._entry(c, others.get(c.pk, []))
        got = stored[c.pk]
        assert set(got.document.split()) == set(want.document.split()), (c.pk, got.document)
        assert (got.old_reference, got.postcode, got.email, got.phone, got.channel) == (
            want.old_reference,
            want.postcode,
            want.email,
            want.phone,
            want.channel,
        ), c.pk
        assert set(words(got.document)) == set(got.document.split())
    # and on PostgreSQL the copies of the queue's columns, every row
    assert search.copies_astray() == []

    client = Client()
    client.force_login(User.objects.get(username="handler0"))

    def page(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content.decode()

    opened = 0
    for path in queue_paths() + follow_up_paths() + ["/dashboard/"]:
        page(path)
        opened += 1
    for status in [s for _, s in STATUS_BANDS]:
        for c in Complaint.objects.filter(status=status).order_by("?")[:3]:
            assert c.reference in page(f"/complaints/{c.reference}/")
            opened += 1
    someone = Complaint.objects.filter(status="closed").select_related("resident__home").first()
    for q, expect in [
        (someone.reference, 1),
        (someone.resident.email, None),
        (someone.resident.phone, None),
        (someone.resident.home.postcode, None),
        ("OLD/0000500", 1),
        ("Patel", None),
        ("leak", None),
    ]:
        text = page(f"/?q={q}")
        found = re.search(r"([\d,]+) complaints? match|More than [\d,]+ complaints match", text)
        assert found, (q, "nothing found")
        if expect == 1:
            assert "1 complaint matches" in text or found.group(1) == "1", q
        opened += 1
    print(f"check: {total:,} complaints ({closed:,} closed, {open_:,} open); {opened} pages 200")


def models_F(name: str):
    from django.db.models import F

    return F(name)


def queue_paths() -> list[str]:
    """The work queue: every tab (scope and "needs attention") and each filter (first pages)."""
    from putright.accounts.models import User
    from putright.complaints.models import Category

    category = Category.objects.order_by("pk").first().pk
    handler = User.objects.get(username="handler1").pk
    return [
        "/",
        *(f"/?scope={scope}" for scope in ("mine", "team", "unassigned", "all")),
        *(
            f"/?scope=all&attention={a}"
            for a in ("review", "returned", "update_due", "letter_failed")
        ),
        "/?scope=all&stage=1",
        "/?scope=all&stage=2",
        *(f"/?scope=all&status={status}" for status in OPEN),
        f"/?scope=all&category={category}",
        f"/?scope=all&handler={handler}",
        "/?scope=all&channel=email",
        "/?scope=all&overdue=on",
        "/?scope=all&extended=on",
        "/?scope=all&vulnerable=on",
        "/?scope=all&stage=1&overdue=on&vulnerable=on",
        "/?scope=mine&overdue=on",
    ]


def follow_up_paths() -> list[str]:
    return [
        "/follow-ups/",
        "/follow-ups/?state=overdue",
        "/follow-ups/?tab=mine&state=open",
        "/follow-ups/?status=closed&kind=action",
        "/api/v1/follow-ups/?state=overdue",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--sqlite-path", default="/tmp/putright-bench-seed.sqlite3")
    parser.add_argument(
        "--reuse", action="store_true", help="with --check: check the database already seeded"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="seed a small N (2,000 unless --complaints says) and open the pages on it",
    )
    args = parser.parse_args()
    n = args.complaints
    if args.check and n == parser.get_default("complaints"):
        n = 2000
    url = open_database(args.sqlite_path, reuse=args.reuse)
    from django.utils import timezone

    if args.reuse:
        from putright.complaints.models import Complaint

        n = Complaint.objects.count() - 1
    else:
        print(f"Seeding {n:,} complaints in {url}")
        seed(n, timezone.localdate())
    for table, rows in counts().items():
        print(f"  {table:<34} {rows:>10,}")
    if url.startswith("sqlite"):
        size = Path(args.sqlite_path).stat().st_size
        print(f"  database file {size / 1e9:.2f} GB")
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"  database size {cursor.fetchone()[0]}")
    if args.check:
        check(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
