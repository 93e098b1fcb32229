"""Rows carried as JSON inside another query come back as a normal query gives them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from putright.complaints.factories import CategoryFactory
from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus, Remedy
from putright.complaints.tests.stories import acknowledged, compensation, received, responded
from putright.core import built_once, jsonrows
from putright.people.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def fields_of(objs):
    return [{f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields} for o in objs]


def round_trip(queryset, outer):
    """`queryset`'s rows read through JSON, carried inside the query for the row `outer`."""
    text = (
        type(outer)
        .objects.filter(pk=outer.pk)
        .annotate(j=jsonrows.model_rows(queryset))
        .values_list("j", flat=True)
        .get()
    )
    return jsonrows.instances(queryset.model, text)


def test_dates_datetimes_booleans_json_and_decimals_come_back_the_same_in_order(handler):
    complaint = acknowledged(
        received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
        actor=handler,
    )
    complaint = responded(
        complaint,
        actor=handler,
        remedies=[compensation("150.50"), compensation("20.00"), compensation("7.05")],
    )
    for i, status in enumerate([ExceptionalStatus.IN_FORCE, ExceptionalStatus.ENDED]):
        period = ExceptionalPeriod.objects.create(
            reason=f"Flood {i} – “quoted”, ünïcode",
            starts_on=date(2026, 1, 5 + i),
            expected_end_on=date(2026, 2, 1),
            all_complaints=bool(i),
            areas=["north", {"estate": "Mill Lane", "n": 3}],
            status=status,
            declared_by=handler,
        )
        period.affected.add(complaint)

    periods = ExceptionalPeriod.objects.filter(affected=complaint)  # newest first
    remedies = Remedy.objects.filter(complaint=complaint).order_by("-amount")
    assert len(periods) == 2
    assert fields_of(round_trip(periods, complaint)) == fields_of(periods)
    assert fields_of(round_trip(remedies, complaint)) == fields_of(remedies)
    got = round_trip(remedies, complaint)
    assert [r.amount for r in got] == [Decimal("150.50"), Decimal("20.00"), Decimal("7.05")]
    assert all(not r._state.adding for r in got)
    assert round_trip(Remedy.objects.filter(pk=-1), complaint) == []


def test_each_row_carries_the_objects_of_its_foreign_keys_as_select_related_gives_them(
    handler, second_handler
):
    from putright.complaints import services
    from putright.complaints.models import OutstandingAction
    from putright.complaints.tests.stories import roof_repair

    complaint = acknowledged(
        received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
        actor=handler,
    )
    complaint = responded(
        complaint,
        actor=handler,
        remedies=[compensation("10.00"), compensation("20.00")],
        actions=[roof_repair(owner=second_handler), roof_repair()],
    )
    services.remedy_complete(remedy=complaint.remedies.order_by("amount").first(), actor=handler)
    related = {
        Remedy: ("completed_by",),
        OutstandingAction: ("owner", "completed_by", "response"),
    }
    for model, keys in related.items():
        queryset = model.objects.filter(complaint=complaint)
        text = (
            type(complaint)
            .objects.filter(pk=complaint.pk)
            .annotate(j=jsonrows.model_rows(queryset, related=keys))
            .values_list("j", flat=True)
            .get()
        )
        got = jsonrows.instances(model, text, related=keys)
        expected = list(queryset.select_related(*keys))
        assert fields_of(got) == fields_of(expected)
        for key in keys:
            assert [key in o._state.fields_cache for o in got] == [True] * len(got)
            theirs = [o._state.fields_cache[key] for o in expected]
            ours = [o._state.fields_cache[key] for o in got]
            assert [o is None for o in ours] == [o is None for o in theirs]
            assert fields_of(o for o in ours if o) == fields_of(o for o in theirs if o)
    # the case has both: a completed remedy and one not, an action with an owner and one not
    remedies = jsonrows.instances(
        Remedy,
        type(complaint)
        .objects.filter(pk=complaint.pk)
        .annotate(
            j=jsonrows.model_rows(Remedy.objects.filter(complaint=complaint), ("completed_by",))
        )
        .values_list("j", flat=True)
        .get(),
        related=("completed_by",),
    )
    assert sorted(r.completed_by is None for r in remedies) == [False, True]
    assert {r.completed_by.pk for r in remedies if r.completed_by} == {handler.pk}


def test_a_prepared_read_puts_each_requests_value_in_and_reads_what_a_fresh_build_reads(
    handler, second_handler
):
    """The case page's lists, their SQL built for the first complaint, read the second one's
    rows exactly as the lists built afresh for the second one do."""
    from putright.complaints import services
    from putright.complaints.selectors import _case_lists
    from putright.complaints.tests.stories import roof_repair
    from putright.people.models import Adjustment

    first = acknowledged(
        received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
        actor=handler,
    )
    second = responded(
        acknowledged(
            received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
            actor=handler,
        ),
        actor=handler,
        remedies=[compensation("12.00")],
        actions=[roof_repair(owner=second_handler)],
    )
    Adjustment.objects.create(resident=second.resident, kind="large_print")
    services.note_add(complaint=second, text="A note", actor=handler)

    def fresh(reference):
        built_once.forget(("jsonrows.prepared", "test_case_page"))
        return jsonrows.prepared("test_case_page", _case_lists, reference)

    expected = fresh(second.reference)
    fresh(first.reference)  # the SQL is now built with the first complaint's reference
    got = jsonrows.prepared("test_case_page", _case_lists, second.reference)
    assert got == expected
    assert jsonrows.rows(got["remedies"])
    assert jsonrows.rows(got["active_adjustments"])
    assert got != jsonrows.prepared("test_case_page", _case_lists, first.reference)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_on_postgresql_a_prepared_read_is_planned_once_and_then_runs_a_kept_plan(handler):
    """PostgreSQL planned the case page's lists for 10-35 ms a page at 1M: they run as a
    statement prepared once per connection, and after its first runs the server keeps a
    generic plan instead of planning each request's again."""
    from putright.complaints.selectors import _case_lists

    complaint = acknowledged(
        received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
        actor=handler,
    )
    expected = jsonrows.prepared("test_planned_once", _case_lists, complaint.reference)
    for _ in range(7):
        assert jsonrows.prepared("test_planned_once", _case_lists, complaint.reference) == expected
    statement = built_once._BUILT[
        (("jsonrows.prepared", "test_planned_once"), "postgresql")
    ].statement
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE name = %s", [statement]
        )
        assert cursor.fetchone()[0] >= 1


def test_a_prepared_first_gives_what_the_queryset_gives_for_each_value(
    handler, second_handler, django_assert_num_queries
):
    """`prepared_first` builds its SQL with the first value it is asked for and then only
    puts each value in: every value must get its own row, with its select_related row, as
    the queryset itself gives it (the API token lookup, accounts.authentication)."""
    from putright.accounts.models import ApiToken
    from putright.accounts.services import api_token_create

    def by_name(name):
        return ApiToken.objects.select_related("user").filter(name=name)[:1]

    for user in (handler, second_handler):
        api_token_create(user=user, name=user.username, days=1, actor=user, two_step_verified=True)
    built_once.forget(("jsonrows.prepared_first", "test_token"))
    for name in (handler.username, second_handler.username, handler.username):
        with django_assert_num_queries(1):
            got = jsonrows.prepared_first("test_token", by_name, name)
            user = got.user  # joined, not read again
        expected = by_name(name).get()
        assert fields_of([got, user]) == fields_of([expected, expected.user])
        assert user.username == name
    assert jsonrows.prepared_first("test_token", by_name, "nobody") is None


def test_a_prepared_first_by_id_gives_each_id_its_own_row(django_assert_num_queries):
    """An id marks its place in the SQL built once by a number (the ORM makes a filter's
    value an int while compiling, so a text marker cannot stand in for it): each id asked for
    afterwards gets its own row, with its select_related row (a new complaint's resident and
    their home, complaints.serializers.ResidentWithHomeField)."""
    from putright.people.models import Resident

    def by_id(pk):
        return Resident.objects.select_related("home").filter(pk=pk)[:1]

    residents = ResidentFactory.create_batch(3)
    built_once.forget(("jsonrows.prepared_first", "test_resident"))
    for resident in (*residents, residents[0]):
        with django_assert_num_queries(1) as counted:
            got = jsonrows.prepared_first("test_resident", by_id, resident.pk)
            home = got.home  # joined, not read again
        if connection.vendor == "postgresql":  # parsed and planned once per connection
            assert counted.captured_queries[0]["sql"].startswith("EXECUTE putright_test_resident_")
        expected = by_id(resident.pk).get()
        assert fields_of([got, home]) == fields_of([expected, expected.home])
        assert got.pk == resident.pk
    assert jsonrows.prepared_first("test_resident", by_id, residents[-1].pk + 1000) is None


def test_prepared_values_give_what_the_values_queryset_gives_for_each_id(
    handler, django_assert_num_queries
):
    """`prepared_values` reads a values_list queryset, an annotation included, built once:
    each id gets exactly the rows the queryset gives it (the vulnerable flag and tenancies
    of a new complaint's resident, complaints.services.common.resident_facts_set)."""
    from django.db.models import Exists, OuterRef

    from putright.people.models import Resident, Vulnerability
    from putright.people.services import vulnerability_add

    def facts(pk):
        return (
            Resident.objects.filter(pk__in={pk})
            .order_by("tenancies__id")
            .annotate(
                vulnerable=Exists(
                    Vulnerability.objects.filter(resident=OuterRef("pk"), active=True)
                )
            )
            .values_list("pk", "vulnerable", "tenancies__tenure")
        )

    residents = ResidentFactory.create_batch(3)
    vulnerability_add(
        resident=residents[1],
        description="Hard of hearing",
        consent_given=True,
        actor=handler,
        review_on=date(2099, 1, 1),
    )
    built_once.forget(("jsonrows.prepared_values", "test_facts"))
    for resident in (*residents, residents[0]):
        with django_assert_num_queries(1):
            got = jsonrows.prepared_values("test_facts", facts, resident.pk)
        assert got == list(facts(resident.pk))
        assert got[0][:2] == (resident.pk, resident == residents[1])
    assert jsonrows.prepared_values("test_facts", facts, residents[-1].pk + 1000) == []


def test_a_fixed_statement_runs_with_each_calls_values_and_gives_its_rows(
    handler, django_assert_num_queries
):
    """`run_statement` (a create's reference counter and Idempotency-Key row): each call's
    values, the rows it returns; on PostgreSQL as a statement prepared once per connection;
    a name stands for one statement only."""
    from putright.core.models import IdempotentRequest

    IdempotentRequest.objects.create(user_id=handler.pk, key="k", path="/p/", request_hash="h")
    table = connection.ops.quote_name(IdempotentRequest._meta.db_table)
    sql = f"UPDATE {table} SET status = status + %s WHERE key = %s RETURNING status"  # noqa: S608
    for step, total in ((200, 200), (1, 201)):
        with django_assert_num_queries(1) as counted:
            assert jsonrows.run_statement("test_bump", sql, [step, "k"]) == [(total,)]
        if connection.vendor == "postgresql":
            assert counted.captured_queries[0]["sql"].startswith("EXECUTE putright_test_bump(")
    assert jsonrows.run_statement("test_bump", sql, [1, "none"]) == []
    with pytest.raises(ValueError, match="test_bump: already the name of another statement"):
        jsonrows.run_statement("test_bump", sql.replace("+", "-"), [1, "k"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline")
def test_a_fixed_statement_in_a_pipeline_gives_its_rows_once_they_come(handler):
    """Inside psycopg's pipeline (an import's chunk being written) a statement's answer is not
    there when it is sent: `run_statement` waits for the rows it is asked for, where it used to
    find no description and give none; asked for none (a lock), it does not wait."""
    from putright.core.models import IdempotentRequest

    IdempotentRequest.objects.create(user_id=handler.pk, key="p", path="/p/", request_hash="h")
    table = connection.ops.quote_name(IdempotentRequest._meta.db_table)
    sql = f"UPDATE {table} SET status = status + %s WHERE key = %s RETURNING status"  # noqa: S608
    connection.ensure_connection()
    with connection.connection.pipeline():
        assert jsonrows.run_statement("test_piped", sql, [5, "p"]) == [(5,)]
        assert jsonrows.run_statement("test_piped", sql, [1, "p"], rows=False) == []
    assert IdempotentRequest.objects.get(key="p").status == 6
