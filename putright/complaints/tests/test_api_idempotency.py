"""`Idempotency-Key` on API POSTs: a retried request acts once and gets the first answer."""

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from putright.complaints.models import CaseEvent, Complaint
from putright.complaints.tests.stories import LONDON
from putright.complaints.tests.test_api import ACK, client_for, receive
from putright.complaints.tests.test_concurrency import at_once, on_postgresql
from putright.core.idempotency import KEY_REUSED, REPLAYED_HEADER
from putright.core.models import IdempotentRequest
from putright.people.models import Resident

BODY = {
    "channel": "phone",
    "received_on": "2026-02-27",
    "description": "Black mould in the bathroom since the roof leak in January.",
}


@pytest.fixture(autouse=True)
def _monday_morning(time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=LONDON), tick=False)


@pytest.fixture
def rosa(db):
    return Resident.objects.create(full_name="Rosa Bell", email="rosa@example.org")


def create(api: APIClient, rosa, key: str, **extra):
    return api.post(
        "/api/v1/complaints/",
        {**BODY, "resident": rosa.pk, **extra},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db
def test_a_retried_create_makes_one_complaint_and_gets_the_first_answer(handler, rosa):
    api = client_for(handler)

    first = create(api, rosa, "key-1")
    retry = create(api, rosa, "key-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_for_a_different_request_is_refused(handler, rosa):
    api = client_for(handler)
    create(api, rosa, "key-1")

    reused = create(api, rosa, "key-1", description="Something else entirely.")

    assert reused.status_code == 422
    assert reused.json()["detail"] == KEY_REUSED
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_acknowledgement_replays_its_success_rather_than_a_conflict(handler, rosa):
    api = client_for(handler)
    ref = receive(api, rosa)["reference"]
    url = f"/api/v1/complaints/{ref}/acknowledge/"

    first = api.post(url, ACK, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    retry = api.post(url, ACK, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    fresh = api.post(url, ACK, format="json", HTTP_IDEMPOTENCY_KEY="ack-2")

    assert (first.status_code, retry.status_code, fresh.status_code) == (200, 200, 409)
    assert CaseEvent.objects.filter(code="stage.acknowledged").count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(handler, second_handler, rosa):
    create(client_for(handler), rosa, "shared")
    create(client_for(second_handler), rosa, "shared")

    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_a_key_expires_after_a_day(handler, rosa, time_machine):
    api = client_for(handler)
    create(api, rosa, "key-1")
    time_machine.shift(60 * 60 * 25)

    again = create(api, rosa, "key-1", received_on="2026-03-02")

    assert again.status_code == 201
    assert REPLAYED_HEADER not in again
    assert Complaint.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_server_error_keeps_nothing_so_the_retry_acts(handler, rosa, monkeypatch):
    from putright.complaints import services

    real = services.complaint_receive
    calls = []

    def fails_once(**kwargs):
        calls.append(1)
        result = real(**kwargs)
        if len(calls) == 1:
            raise RuntimeError("connection lost after the insert")
        return result

    monkeypatch.setattr(services, "complaint_receive", fails_once)
    api = client_for(handler)
    api.raise_request_exception = False

    failed = create(api, rosa, "key-1")
    retry = create(api, rosa, "key-1")

    assert (failed.status_code, retry.status_code) == (500, 201)
    assert Complaint.objects.count() == 1  # the failed attempt's complaint was rolled back


@pytest.mark.django_db
def test_a_create_refused_after_it_began_writing_keeps_only_its_answer(handler, rosa, monkeypatch):
    """The keyed create's service runs with no savepoint of its own (held.without_savepoints):
    refused part-way, with its complaint and stage already written, none of its rows are kept,
    and its 400 is kept with the key and replayed to a retry."""
    from putright.complaints.models import Stage
    from putright.complaints.services import intake
    from putright.core.errors import InvalidInput

    def refuses(*args, **kwargs):
        assert Complaint.objects.count() == 1  # written, in the request's transaction
        raise InvalidInput("Refused after writing.", field="description")

    monkeypatch.setattr(intake, "record_event", refuses)
    api = client_for(handler)

    refused = create(api, rosa, "key-1")
    retry = create(api, rosa, "key-1")

    assert (refused.status_code, retry.status_code) == (400, 400)
    assert refused.json()["detail"] == "Refused after writing."
    assert (retry.json(), retry[REPLAYED_HEADER]) == (refused.json(), "true")
    assert (Complaint.objects.count(), Stage.objects.count()) == (0, 0)
    assert IdempotentRequest.objects.get(key="key-1").status == 400


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_the_same_instant_acts_once(handler, rosa):
    for attempt in range(3):
        key = f"together-{attempt}"
        apis = [client_for(handler), client_for(handler)]

        responses = at_once(*(lambda a=a, k=key: create(a, rosa, k) for a in apis))

        assert [r.status_code for r in responses] == [201, 201]
        assert responses[0].json() == responses[1].json()
        assert Complaint.objects.count() == attempt + 1


@pytest.mark.django_db
def test_a_keyed_create_looks_the_token_up_once_and_leaves_old_answers_to_the_job(
    handler, rosa, django_assert_max_num_queries
):
    """The middleware and the view share one token lookup, and no request scans the table for
    expired answers (core.prune_idempotency_keys does, hourly): a create's cost is fixed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = client_for(handler)
    create(api, rosa, "warm-up")  # "last used" is written at most once a minute
    IdempotentRequest.objects.create(user_id=handler.pk, key="stale", path="/x/", request_hash="x")
    IdempotentRequest.objects.filter(key="stale").update(
        created_at=datetime(2026, 2, 1, tzinfo=LONDON)
    )

    held = connection.vendor == "postgresql"  # the resident, people.services.residents_facts_read
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(14 + held):
        assert create(api, rosa, "key-2").status_code == 201

    sql = [q["sql"] for q in queries.captured_queries]
    # The service runs in the keyed transaction itself, with no savepoint of its own: the one
    # here is the keyed transaction's, opened inside the test's transaction.
    assert sum(q.startswith("SAVEPOINT") for q in sql) == 1, sql
    # (On PostgreSQL the lookup runs as its prepared statement: core.jsonrows.prepared_first.)
    assert (
        sum('FROM "accounts_apitoken"' in q or "EXECUTE putright_api_token_" in q for q in sql) == 1
    )
    # A new key is one INSERT: an expired row is looked for only when the key is taken.
    assert not [q for q in sql if '"core_idempotentrequest"' in q and q.startswith("DELETE")]
    # ... and a taken key is not an error (ON CONFLICT DO NOTHING), so no savepoint wraps it.
    claims = ('INSERT INTO "core_idempotentrequest"', "EXECUTE putright_idempotency_claim(")
    (claim,) = [i for i, q in enumerate(sql) if q.startswith(claims)]
    assert not sql[claim + 1].startswith("RELEASE SAVEPOINT"), sql[claim + 1]
    assert IdempotentRequest.objects.filter(key="stale").exists()


@pytest.mark.django_db
def test_a_keyed_create_checks_its_input_before_its_transaction_opens(handler, rosa):
    """On SQLite the transaction is the database's one write lock: the resident's read and the
    calendar's come before it (and the key's claim), so the lock covers only the writing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = client_for(handler)
    create(api, rosa, "warm-up")
    with CaptureQueriesContext(connection) as queries:
        assert create(api, rosa, "key-2").status_code == 201

    sql = [q["sql"] for q in queries.captured_queries]
    claims = ('INSERT INTO "core_idempotentrequest"', "EXECUTE putright_idempotency_claim(")
    (claim,) = [i for i, q in enumerate(sql) if q.startswith(claims)]
    before = sql[:claim]
    assert [q for q in before if '"people_resident"' in q or "putright_resident" in q], sql
    assert [q for q in before if '"complaints_nonworkingday"' in q], sql
    assert not [q for q in before if q.startswith(("INSERT", "UPDATE", "DELETE"))], before


@pytest.mark.django_db
def test_a_retry_whose_input_no_longer_checks_gets_the_first_answer(handler, rosa):
    """The key is claimed after the input is checked, or, when the check fails, after the
    answer: either way a key already used replays its first answer, and a 400 is kept."""
    from putright.complaints.models import Category

    Category.objects.create(code="repairs-x", name="Repairs (x)", active=True)
    api = client_for(handler)
    first = create(api, rosa, "key-1", category="repairs-x")
    Category.objects.filter(code="repairs-x").update(active=False)  # the body no longer checks

    retry = create(api, rosa, "key-1", category="repairs-x")
    refused = create(api, rosa, "key-2", category="repairs-x")
    refused_again = create(api, rosa, "key-2", category="repairs-x", description="Else.")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry[REPLAYED_HEADER] == "true"
    assert refused.status_code == 400
    assert REPLAYED_HEADER not in refused
    assert refused.json()["field"] == "category"
    assert refused_again.status_code == 422
    again = create(api, rosa, "key-2", category="repairs-x")
    assert (again.json(), again[REPLAYED_HEADER]) == (refused.json(), "true")
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_a_claim_inside_the_views_own_transaction_is_refused(handler):
    """Nested, the view's transaction would commit its writes without the kept answer."""
    import contextlib

    from django.db import transaction

    from putright.core.idempotency import _Keyed

    with (
        transaction.atomic(),
        contextlib.ExitStack() as stack,
        pytest.raises(RuntimeError, match="durable"),
    ):
        _Keyed(handler.pk, "key-1", "/api/v1/complaints/", "x", stack).begin()


def _category_written(*_args):
    from putright.complaints.models import Category

    Category.objects.create(code="written-early", name="Written early")


def _counter_taken(*_args):
    from putright.complaints.services import intake

    intake._reserve_references(2026, 1)  # the year's row is there: one fixed UPDATE (EXECUTE)


# Not inside the test's own transaction: as served, the view's statements before the claim run
# in autocommit (a refused one inside the test's transaction would mark it for rollback).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [_category_written, _counter_taken])
def test_a_checks_first_handler_that_writes_before_it_claims_is_stopped_before_the_write(
    handler, rosa, monkeypatch, write
):
    """Its write would be kept outside the key's transaction (a retry would act twice): the
    order `checks_first` asks for is checked, not trusted, for the ORM's statements and the
    fixed ones (`run_statement`) alike. Without a key there is no claim and no check."""
    from putright.complaints import api as complaints_api
    from putright.complaints.models import Category, ReferenceCounter

    parse = complaints_api._parse

    def parse_then_write(*args, **kwargs):
        data = parse(*args, **kwargs)
        write()
        return data

    monkeypatch.setattr(complaints_api, "_parse", parse_then_write)
    ReferenceCounter.objects.create(year=2026)
    api = client_for(handler)

    with pytest.raises(RuntimeError, match="claim_before_writing"):
        create(api, rosa, "key-1")

    assert not Category.objects.filter(code="written-early").exists()
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()
    assert not Complaint.objects.exists()
    assert not IdempotentRequest.objects.exists()
    monkeypatch.setattr(complaints_api, "_parse", parse)
    assert create(api, rosa, "key-1").status_code == 201  # the key was never taken
