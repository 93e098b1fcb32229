"""Held writes (core.held): the services decide in memory and a chunk is written at once.

The import's bulk path is held to the row-by-row one on random histories
(imports/tests/test_fast_equals_row_by_row.py); these pin the mechanism itself.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.accounts import factories as accounts
from putright.complaints import services
from putright.complaints.calendar import calendar_pinned
from putright.complaints.events import replaying_history
from putright.complaints.models import CaseEvent, Complaint, ComplaintSearch, Stage
from putright.core import held
from putright.core.errors import ComplaintError
from putright.people.factories import ResidentFactory
from putright.people.models import Property, Resident

pytestmark = pytest.mark.django_db


def receive(resident, actor, on):
    return services.complaint_receive(
        resident=resident,
        channel="phone",
        received_on=on,
        description="Leak",
        actor=actor,
        logged_on=on,
    ).complaint


def test_held_complaints_are_written_in_one_go_numbered_in_order_and_indexed():
    resident, officer = ResidentFactory(), accounts.officer()
    receive(resident, officer, date(2025, 4, 1))  # CMP-2025-000001, written at once
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        with CaptureQueriesContext(connection) as deciding:  # the calendar is read once
            with writes.row():
                first = receive(resident, officer, date(2025, 4, 2))
            with writes.row():
                second = receive(resident, officer, date(2025, 4, 3))
        assert len(deciding) == 0
        assert (first.pk, Complaint.objects.count()) == (None, 1)
        with held.released(), CaptureQueriesContext(connection) as writing:
            writes.flush()
    assert [first.reference, second.reference] == ["CMP-2025-000002", "CMP-2025-000003"]
    assert Stage.objects.filter(complaint__in=[first, second]).count() == 2
    assert CaseEvent.objects.filter(complaint__in=[first, second]).count() == 2
    assert ComplaintSearch.objects.filter(complaint__in=[first, second]).count() == 2
    assert len(writing) < 15  # one INSERT per table, the counter, the search rows


def test_a_row_the_services_refuse_leaves_nothing_held():
    resident, officer = ResidentFactory(), accounts.officer()

    def refused_row(writes):
        with writes.row():
            complaint = receive(resident, officer, date(2025, 4, 2))
            services.complaint_close(complaint=complaint, reason="Done", actor=officer)

    with replaying_history(), held.holding() as writes:
        with pytest.raises(ComplaintError):  # not answered yet: cannot be closed
            refused_row(writes)
        assert len(writes) == 0
        with held.released():
            writes.flush()
    assert Complaint.objects.count() == CaseEvent.objects.count() == 0


def test_outside_holding_the_services_write_at_once():
    complaint = receive(ResidentFactory(), accounts.officer(), date(2025, 4, 2))
    assert complaint.pk is not None
    assert complaint.reference == "CMP-2025-000001"


def test_a_held_resident_s_held_home_is_the_complaint_s_home_once_written():
    """A complaint received without a home takes its resident's; while an import holds both,
    the home has no id yet, so the complaint is given the row and the writer takes its id."""
    officer = accounts.officer()
    with replaying_history(), held.holding() as writes:
        with writes.row():
            home = held.create(Property, address_line_1="1 High St", town="X", postcode="EX1 1AA")
            resident = held.create(Resident, full_name="Rosa Bell", home=home)
            complaint = receive(resident, officer, date(2025, 4, 2))
        with held.released():
            writes.flush()
    assert home.pk is not None
    assert Complaint.objects.get(pk=complaint.pk).home_id == home.pk


def test_every_table_the_services_hold_is_written_by_the_one_writer():
    """Held rows have one write path (core.held's INSERT): every table the services hold rows
    of can be written by it, so none falls back to another writer."""
    from django.apps import apps

    for label in held.WRITE_ORDER:
        assert held._Table.usable(apps.get_model(label), []), label


def test_a_held_row_the_writer_cannot_write_is_refused_not_written_another_way():
    from django.db.models import Value
    from django.db.models.functions import Upper

    with held.holding() as writes:
        held.create(Property, address_line_1=Upper(Value("1 high st")), town="X", postcode="E1")
        with held.released(), pytest.raises(held.NotHeldable):
            writes.flush()
    assert not Property.objects.exists()


def test_held_complaints_get_the_vulnerable_flag_as_they_are_inserted_one_query_a_chunk():
    """The flag is set on the rows before their INSERT (held.before_write): no UPDATE after,
    one read of vulnerabilities for the chunk, the same door as live intake."""
    from putright.people.models import Vulnerability

    officer = accounts.officer()
    vulnerable, other = ResidentFactory(), ResidentFactory()
    Vulnerability.objects.create(resident=vulnerable, description="Mobility")
    live = receive(vulnerable, officer, date(2025, 4, 1))
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        received = []
        for resident in (vulnerable, other, vulnerable):
            with writes.row():
                received.append(receive(resident, officer, date(2025, 4, 2)))
        with pytest.raises(ComplaintError), writes.row():  # refused: nothing of it is written
            services.complaint_close(
                complaint=receive(other, officer, date(2025, 4, 2)), reason="x", actor=officer
            )
        with held.released(), CaptureQueriesContext(connection) as writing:
            writes.flush()
    sql = [q["sql"] for q in writing]
    assert sum("people_vulnerability" in s for s in sql) == 1, sql
    assert not any(s.startswith("UPDATE") and "resident_vulnerable" in s for s in sql), sql
    flags = dict(Complaint.objects.values_list("pk", "resident_vulnerable"))
    assert flags == {live.pk: True, **{c.pk: c.resident == vulnerable for c in received}}


def test_a_table_s_rows_go_in_few_insert_texts_whatever_the_chunk_sizes():
    """Chunks end at any size; each size's INSERT text would be one more prepared statement in
    the driver's cache (memory growing with the file): a full batch, or a padded power of two
    (SQLite), or UNNEST (PostgreSQL); still one statement a batch."""
    table = held._Table(Stage, connection)
    texts = set()
    for n in range(1, table.batch + 1):
        texts.add(table.unnest_sql if table.unnest and n > 1 else table.statement(n)[0])
    assert len(texts) <= table.batch.bit_length() + 2, len(texts)  # 11 for a batch of 500


def test_held_updates_are_one_statement_a_table_the_last_value_winning():
    from putright.people.models import Tenancy

    homes = [Property.objects.create(address_line_1=f"{n} High St", town="X") for n in (1, 2, 3)]
    resident = ResidentFactory()
    tenancies = [
        Tenancy.objects.create(resident=resident, home=h, tenure="lcra", start_on=date(2025, 1, 1))
        for h in homes
    ]
    with held.holding() as writes:
        held.update(Tenancy, tenancies[0].pk, start_on=date(2024, 6, 1))
        held.update(Tenancy, tenancies[1].pk, start_on=date(2024, 5, 1))
        held.update(Tenancy, tenancies[0].pk, start_on=date(2024, 3, 1))  # moved again: wins
        with held.released(), CaptureQueriesContext(connection) as writing:
            writes.flush()
    assert len(writing) == 1
    starts = [Tenancy.objects.get(pk=t.pk).start_on for t in tenancies]
    assert starts == [date(2024, 3, 1), date(2024, 5, 1), date(2025, 1, 1)]


def test_a_held_row_made_without_model_init_gets_its_own_callable_defaults():
    """`held._New` puts a field's constant default in at once and calls a callable one (a
    JSON field's `dict`, a `timezone.now`) for each row: two rows never share one dict."""
    from putright.core.models import IdempotentRequest
    from putright.imports.models import ImportedComplaint

    maker = held._New(ImportedComplaint)
    first, second = (maker.make({"legacy_reference": r}) for r in ("OLD-1", "OLD-2"))
    by_init = ImportedComplaint(legacy_reference="OLD-1")
    assert {k: v for k, v in vars(first).items() if k != "_state"} == {
        k: v for k, v in vars(by_init).items() if k != "_state"
    }
    assert first.values == {}
    assert first.steps == []
    assert first.values is not second.values
    assert first.steps is not second.steps
    given = maker.make({"legacy_reference": "OLD-3", "values": {"a": "1"}})
    assert given.values == {"a": "1"}
    keys = held._New(IdempotentRequest)
    assert keys.make({}).created_at is not None  # timezone.now, called


def test_while_holding_the_cycle_collector_scans_young_objects_less_often_then_as_before():
    """Held rows live until their chunk is written: scanning them every 700 new objects (the
    collector's default) cost a fifth of an import's CPU."""
    import gc

    before = gc.get_threshold()
    with held.holding():
        assert gc.get_threshold()[0] == max(before[0], held.YOUNG_COLLECTION_EVERY)
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(ComplaintError), held.holding():
        raise ComplaintError("refused")
    assert gc.get_threshold() == before


def test_a_bulk_import_runs_the_cycle_collector_once_a_chunk_then_as_before():
    """Inside `collected_by_chunk` the collector runs when a chunk is done, not by its counts
    in the middle of the chunk's work: the young objects then (a chunk's cycles freed), every
    object every `FULL_COLLECTION_EVERY` chunks; enabled again afterwards, even after an
    error."""
    import gc
    import weakref

    class Cycle:
        me: object = None

    generations: list[int] = []

    def started(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    assert gc.isenabled()
    gc.callbacks.append(started)
    try:
        with held.collected_by_chunk() as chunk_done:
            assert not gc.isenabled()
            cycle = Cycle()
            cycle.me = cycle
            freed = weakref.ref(cycle)
            del cycle
            for _ in range(held.FULL_COLLECTION_EVERY):
                chunk_done()
                assert freed() is None
        assert generations == [1] * (held.FULL_COLLECTION_EVERY - 1) + [2]
        assert gc.isenabled()
        with pytest.raises(ComplaintError), held.collected_by_chunk():
            raise ComplaintError("refused")
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(started)


def test_a_relation_given_both_as_a_row_and_as_an_id_is_made_as_model_init_makes_it():
    """`held._New` hands a row whose relation is given twice (the row and another id) to
    `Model.__init__`, whose answer (the id given last wins, the cached row dropped) it does
    not copy."""
    from putright.people.models import Tenancy

    one, other = Resident(pk=1, full_name="Rosa"), Resident(pk=2, full_name="Ali")
    values = {"resident": one, "resident_id": other.pk, "tenure": "secure"}
    made = held._New(Tenancy).make(dict(values))
    by_init = Tenancy(**values)
    assert made.resident_id == by_init.resident_id == 2
    assert made._state.fields_cache == by_init._state.fields_cache


def test_a_makers_answer_is_kept_by_the_names_given_not_by_the_model():
    """`held._New` works out once per set of keyword names whether it may make the row itself
    and which callable defaults to call: a row made after another of the same model with
    other names (a relation given twice, a name that is no field, a callable's field given or
    not) is still made as `Model.__init__` makes it."""
    from putright.imports.models import ImportedComplaint
    from putright.people.models import Tenancy

    one, other = Resident(pk=1, full_name="Rosa"), Resident(pk=2, full_name="Ali")
    maker = held._New(Tenancy)
    assert maker.make({"resident": one, "tenure": "secure"})._state.fields_cache == {
        "resident": one
    }
    twice = {"resident": one, "resident_id": other.pk, "tenure": "secure"}
    made, by_init = maker.make(dict(twice)), Tenancy(**twice)
    assert made.resident_id == by_init.resident_id == 2
    assert made._state.fields_cache == by_init._state.fields_cache == {}
    with pytest.raises(TypeError):
        maker.make({"resident": one, "not_a_field": 1})
    imported = held._New(ImportedComplaint)
    assert imported.make({"legacy_reference": "OLD-1", "values": {"a": "1"}}).steps == []
    assert imported.make({"legacy_reference": "OLD-2", "steps": ["x"]}).values == {}
    assert imported.make({"legacy_reference": "OLD-3", "steps": ["y"]}).values == {}


def test_a_chunks_search_rows_are_written_by_the_held_writer_not_the_sql_compiler(monkeypatch):
    """The search rows a chunk's complaints and new residents get once written (keyed by the
    complaint's or resident's id) go through the held rows' INSERT, as every held row does:
    Django's INSERT compiler (a third of these rows' cost when they went through it) is
    never asked, and the rows are there, one each, with their words (the engine's word
    index kept by its triggers finds them)."""
    from django.db.models.sql.compiler import SQLInsertCompiler

    from putright.complaints import search
    from putright.people import search as people_search
    from putright.people.models import ResidentSearch
    from putright.people.services import resident_add

    officer = accounts.officer()
    home = Property.objects.create(address_line_1="7 Quillon Road", town="X", postcode="E1 1AA")
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        with writes.row():
            resident = resident_add(full_name="Zebedee Quarrington", home=home, actor=None)
            complaint = receive(resident, officer, date(2025, 4, 2))

        real = SQLInsertCompiler.as_sql

        def compiled(compiler, *args, **kwargs):
            # (The year's reference counter, made once a year, is not a held row.)
            assert compiler.query.model not in (ComplaintSearch, ResidentSearch), "compiled"
            return real(compiler, *args, **kwargs)

        with held.released(), monkeypatch.context() as m:
            m.setattr(SQLInsertCompiler, "as_sql", compiled)
            writes.flush()
    assert ComplaintSearch.objects.filter(complaint=complaint).count() == 1
    assert ResidentSearch.objects.filter(resident=resident).count() == 1
    assert search.search("Quillon")[:10] == [complaint.pk]
    assert people_search.find("Quarrington")[:10] == [resident.pk]


def test_a_keyed_row_already_there_is_kept_when_conflicts_are_ignored_and_refused_otherwise():
    """`held.insert(..., ignore_conflicts=True)` keeps a row whose key is there already (a
    resident's row rebuilt whole earlier in the chunk, people.search.index_new_rows); without
    it the database refuses the second row, as `bulk_create` would."""
    from django.db import IntegrityError, transaction

    from putright.people.models import ResidentSearch

    resident = ResidentFactory()
    ResidentSearch.objects.filter(resident=resident).delete()
    ResidentSearch.objects.create(resident=resident, document="kept")
    fresh = ResidentSearch(resident_id=resident.pk, document="new")
    other = ResidentFactory()
    ResidentSearch.objects.filter(resident=other).delete()
    held.insert(
        ResidentSearch,
        [fresh, ResidentSearch(resident_id=other.pk, document="added")],
        ignore_conflicts=True,
    )
    assert ResidentSearch.objects.get(resident=resident).document == "kept"
    assert ResidentSearch.objects.get(resident=other).document == "added"
    with pytest.raises(IntegrityError), transaction.atomic():
        held.insert(ResidentSearch, [ResidentSearch(resident_id=resident.pk, document="again")])


def test_a_written_chunks_rows_are_freed_at_once_not_left_to_the_cycle_collector():
    """Once written, a complaint no longer carries what was decided beside it (its held
    stages, points and record entries, which point back at it): the chunk's rows are freed
    as soon as the import drops them, instead of piling up for the collector's full scans
    (each of which reads every object alive)."""
    import gc
    import weakref

    resident, officer = ResidentFactory(), accounts.officer()
    gc.collect()
    gc.disable()
    try:
        with calendar_pinned(), replaying_history(), held.holding() as writes:
            with writes.row():
                complaint = receive(resident, officer, date(2025, 4, 2))
            stage = weakref.ref(held.held_rows(complaint)["stages"][1])
            with held.released():
                writes.flush()
            written = weakref.ref(complaint)
            del complaint
        assert (written(), stage()) == (None, None)
    finally:
        gc.enable()
    assert Stage.objects.count() == 1


def _three_held_complaints(resident, officer):
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        made = []
        for day in (2, 3, 4):
            with writes.row():
                made.append(receive(resident, officer, date(2025, 4, day)))
        with held.released(), CaptureQueriesContext(connection) as writing:
            writes.flush()
    return made, [q["sql"] for q in writing]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNNEST is PostgreSQL's")
def test_held_column_arrays_go_to_postgresql_apart_from_the_sql_not_quoted_into_it():
    """Django's cursors bind on the client: psycopg would quote every value of every column
    array into the SQL text (a Python call or more a value) and the server parse it back.
    The held rows' UNNEST INSERT binds its arrays on the server, in binary: its text holds
    only placeholders, and the rows are written as before."""
    made, statements = _three_held_complaints(ResidentFactory(), accounts.officer())
    unnest = [s for s in statements if "UNNEST" in s and 'INTO "complaints_complaint" (' in s]
    assert len(unnest) == 1, statements
    assert "$1" in unnest[0], unnest[0][:300]
    assert "Leak" not in unnest[0]
    assert [c.description for c in Complaint.objects.filter(pk__in=[c.pk for c in made])] == [
        "Leak"
    ] * 3
    assert Stage.objects.filter(complaint__in=made).count() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's placeholders")
def test_a_held_insert_text_is_turned_into_sqlite_placeholders_once_not_at_every_write(
    monkeypatch,
):
    """Django's SQLite cursor runs a regular expression over each statement's text to turn
    %s into ?; for the held writer's few INSERT texts (many thousand placeholders) that is
    done once a text, not at every chunk (3 % of an import's CPU)."""
    from django.db.backends.sqlite3 import base

    resident, officer = ResidentFactory(), accounts.officer()
    _three_held_complaints(resident, officer)  # every text met once
    converted = []
    real = base.FORMAT_QMARK_REGEX

    class Counting:
        def sub(self, repl, query):
            converted.append(query)
            return real.sub(repl, query)

    monkeypatch.setattr(base, "FORMAT_QMARK_REGEX", Counting())
    made, statements = _three_held_complaints(resident, officer)
    assert len(made) == 3
    assert all(c.pk for c in made)
    assert Stage.objects.filter(complaint__in=made).count() == 3
    written = [sql for sql in statements if sql.startswith("INSERT")]
    assert written
    assert not [q for q in converted if q.startswith("INSERT")], converted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline")
def test_on_postgresql_a_chunk_is_sent_in_one_pipeline_with_its_ids_taken_first():
    """The chunk's new rows get their ids from their sequences in one statement before any
    is sent, so no INSERT waits for another's answer (none asks for one back: no RETURNING),
    and every INSERT goes through psycopg's pipeline: the server writes one table while the
    import makes the next one ready. The rows are written with those ids, in the held order."""
    resident, officer = ResidentFactory(), accounts.officer()
    piped: list[tuple[str, bool]] = []

    def watch(execute, sql, params, many, context):
        piped.append((sql, connection.connection._pipeline is not None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        made, statements = _three_held_complaints(resident, officer)
    taken = [i for i, (s, _) in enumerate(piped) if "nextval" in s]
    # (The year's reference counter, made once a year by the numbering before anything is
    # sent, needs its answer: not a held row.)
    inserts = [
        (i, s, p)
        for i, (s, p) in enumerate(piped)
        if s.startswith("INSERT") and "referencecounter" not in s
    ]
    assert len(taken) == 1, statements
    assert taken[0] < inserts[0][0]
    assert inserts
    assert all(p for _, _, p in inserts), [s[:60] for _, s, p in inserts if not p]
    assert not any("RETURNING" in s for _, s, _ in inserts)
    ids = [c.pk for c in made]
    assert None not in ids
    assert ids == sorted(ids)
    assert list(
        Complaint.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "received_on")
    ) == [(pk, date(2025, 4, day)) for pk, day in zip(ids, (2, 3, 4), strict=True)]
    assert Stage.objects.filter(complaint__in=made).count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline")
@pytest.mark.parametrize("broken", ["a row twice", "a row pointing nowhere"])
def test_a_row_the_database_refuses_in_the_pipeline_is_django_s_error_and_nothing_is_written(
    broken,
):
    """A refusal inside the pipeline (a unique key twice; a foreign key to no row, found by a
    check sent in the pipeline or at the commit) reaches the import as Django's
    IntegrityError, the chunk's rows are all rolled back and the connection goes on."""
    from django.db import IntegrityError, transaction

    from putright.imports.models import ImportedResident
    from putright.people.models import Tenancy

    officer = accounts.officer()
    resident = ResidentFactory()
    home = Property.objects.create(address_line_1="1 Pipe Lane", town="X", postcode="E1 1AA")
    with calendar_pinned(), replaying_history(), held.holding() as writes:
        with writes.row():
            receive(resident, officer, date(2025, 4, 2))
        with writes.row():
            if broken == "a row twice":
                for _ in range(2):
                    held.create(ImportedResident, legacy_id="R1", resident=resident)
            else:
                held.create(
                    Tenancy, resident_id=resident.pk, home_id=home.pk + 10_000, tenure="general"
                )
        with held.released(), pytest.raises(IntegrityError), transaction.atomic():
            writes.flush()
    assert Complaint.objects.count() == 0
    assert ImportedResident.objects.count() == Tenancy.objects.count() == 0
    assert Resident.objects.filter(pk=resident.pk).exists()


def test_foreign_keys_are_checked_in_the_pipeline_only_once_what_they_point_at_is_sent():
    """`_checked_when_complete`: a check (two statements) is sent once enough rows wait and
    every row they point at has been sent; a table pointing at one the chunk sends later
    (a stage before its complaint, here) waits for it, so nothing is refused that the commit
    would accept."""

    class Cursor:
        def __init__(self, sent):
            self.sent = sent

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql):
            self.sent.append(sql)

    class Db:
        def __init__(self):
            self.sent = []

        def cursor(self):
            return Cursor(self.sent)

    many = [object()] * held.CHECK_EVERY_ROWS
    db = Db()
    check = held._checked_when_complete(
        db, [Stage, Complaint, CaseEvent], {Stage: many, Complaint: [object()], CaseEvent: many}
    )
    check(Stage)  # points at Complaint, not sent yet: no check
    assert db.sent == []
    check(Complaint)
    assert db.sent == ["SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"]
    check(CaseEvent)
    assert len(db.sent) == 4
    few = held._checked_when_complete(db, [Complaint], {Complaint: [object()]})
    few(Complaint)  # one row waiting: not worth a check before the commit's
    assert len(db.sent) == 4


def test_work_meanwhile_runs_once_everything_is_sent_while_postgresql_writes_it():
    """`Held.flush(meanwhile=...)` (the import checks its next chunk then): called once, after
    every row and the chunk's hooks are sent; on PostgreSQL inside the pipeline, after the
    last foreign-key check went too, so the server writes and checks while the import works,
    and only then is its answer awaited. Elsewhere after the writes."""
    resident, officer = ResidentFactory(), accounts.officer()
    seen: list[str] = []
    called: list[tuple[int, bool]] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    def meanwhile():
        piped = connection.vendor == "postgresql" and connection.connection._pipeline is not None
        called.append((len(seen), piped))

    with calendar_pinned(), replaying_history(), held.holding() as writes:
        with writes.row():
            made = receive(resident, officer, date(2025, 4, 2))
        with held.released(), connection.execute_wrapper(watch):
            writes.flush(meanwhile=meanwhile)
    assert len(called) == 1
    sent_before, piped = called[0]
    assert any("complaints_complaintsearch" in s for s in seen[:sent_before])
    if connection.vendor == "postgresql":
        assert piped
        assert seen[sent_before - 2 : sent_before] == [
            "SET CONSTRAINTS ALL IMMEDIATE",
            "SET CONSTRAINTS ALL DEFERRED",
        ]
    assert ComplaintSearch.objects.filter(complaint=made).count() == 1
