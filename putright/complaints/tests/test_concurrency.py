"""Two members of staff acting on one complaint at the same instant, through the real forms.

Each thread has its own test client and its own database connection, and a Barrier releases
them together. Only PostgreSQL runs two write transactions truly side by side (SQLite takes
one write lock per database), so the threaded tests run there; the SQLite path is shown by
the stale-page tests below, which act on a complaint another person has changed since.
"""

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from putright.complaints import services
from putright.complaints.models import CaseEvent, Complaint
from putright.complaints.services.common import (
    ALREADY_ACKNOWLEDGED,
    ALREADY_ESCALATED_TO_STAGE_TWO,
)
from putright.complaints.tests.stories import (
    POINTS,
    acknowledged,
    received,
    reload,
    responded,
    stage_of,
)
from putright.core.errors import AlreadyDone
from putright.letters.models import Letter

pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one write transaction at a time; the stale-page tests cover it",
)
TRIES = 3  # bounded: each try is two requests released together


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, released together; their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # reported to the test, never swallowed
            results[i] = exc
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def post_at_once(url: str, posts: list[tuple[Any, dict[str, str]]]) -> list[Any]:
    """Each (user, form) posted to `url` by its own signed-in client, all at the same instant."""
    clients = [(staff_client(user), form) for user, form in posts]
    return at_once(*(lambda c=c, f=f: c.post(url, f) for c, f in clients))


def staff_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def acknowledge_form(day: date) -> dict[str, str]:
    return {
        "points": "\n".join(POINTS),
        "outcomes_sought": "Fix it.",
        "responsible_for": "The roof.",
        "acknowledged_on": day.isoformat(),
    }


def extend_form(new_due: date, day: date) -> dict[str, str]:
    return {
        "new_due": new_due.isoformat(),
        "reason": "Waiting for the roofer's survey.",
        "resident_informed_on": day.isoformat(),
        "update_interval_days": "5",
    }


def codes(complaint: Complaint, code: str) -> int:
    return CaseEvent.objects.filter(complaint=complaint, code=code).count()


@on_postgresql
def test_two_people_acknowledging_at_once_acknowledge_once(
    monday, resident, category, handler, second_handler
):
    for _ in range(TRIES):
        complaint = received(resident=resident, actor=handler, category=category)
        url = f"/complaints/{complaint.reference}/acknowledge/"
        form = acknowledge_form(monday)

        responses = post_at_once(url, [(handler, form), (second_handler, form)])

        assert sorted(r.status_code for r in responses) == [302, 400]
        refused = next(r for r in responses if r.status_code == 400)
        assert ALREADY_ACKNOWLEDGED in refused.content.decode()
        assert codes(complaint, "stage.acknowledged") == 1
        assert list(complaint.points.values_list("text", flat=True)) == list(POINTS)
        assert Letter.objects.filter(complaint=complaint, kind="acknowledgement").count() == 1


@on_postgresql
def test_two_extensions_at_once_leave_the_deadline_and_the_record_agreeing(
    monday, resident, category, handler, second_handler
):
    for _ in range(TRIES):
        complaint = acknowledged(
            received(resident=resident, actor=handler, category=category), actor=handler
        )
        url = f"/complaints/{complaint.reference}/extend/"
        responses = post_at_once(
            url,
            [
                (handler, extend_form(date(2026, 3, 23), monday)),
                (second_handler, extend_form(date(2026, 3, 27), monday)),
            ],
        )

        assert all(r.status_code in (302, 400) for r in responses)
        stage = stage_of(complaint)
        extensions = list(stage.extensions.order_by("id"))
        # Applied one on top of the other, or the earlier date refused as not later: either
        # way the deadline is the latest date, and every extension follows the one before.
        assert stage.response_due == date(2026, 3, 27)
        assert extensions[-1].new_due == stage.response_due
        previous = stage.response_due_original
        for extension in extensions:
            assert extension.previous_due == previous
            previous = extension.new_due
        last = CaseEvent.objects.filter(complaint=complaint, code="stage.extended").order_by("-id")[
            0
        ]
        assert last.data["new_due"] == "2026-03-27"
        # Each extension's letter is made after its own commit, so the two may be made in either
        # order: the one for the final deadline must exist (not necessarily the last made).
        letters = Letter.objects.filter(complaint=complaint, kind="extension")
        assert any("27 March 2026" in letter.text for letter in letters)


@on_postgresql
def test_two_escalations_at_once_make_one_stage_two_and_no_server_error(
    monday, resident, category, handler, second_handler
):
    for _ in range(TRIES):
        complaint = responded(
            acknowledged(
                received(resident=resident, actor=handler, category=category), actor=handler
            ),
            actor=handler,
        )
        url = f"/complaints/{complaint.reference}/escalate/"
        form = {"requested_on": monday.isoformat(), "reason": "", "confirmed": "yes"}
        responses = post_at_once(url, [(handler, form), (second_handler, form)])

        assert sorted(r.status_code for r in responses) == [302, 400]
        refused = next(r for r in responses if r.status_code == 400)
        assert ALREADY_ESCALATED_TO_STAGE_TWO in refused.content.decode()
        assert reload(complaint).stages.count() == 2
        assert codes(complaint, "complaint.escalated") == 1


# --- the same guard on SQLite (and PostgreSQL): acting from a page that is out of date --------


def test_acknowledging_from_a_stale_page_is_refused_as_already_done(
    monday, resident, category, handler, second_handler
):
    complaint = received(resident=resident, actor=handler, category=category)
    stale = Complaint.objects.get(pk=complaint.pk)  # what the second person's page showed
    stale_stage = stale.stages.get(number=1)
    acknowledged(complaint, actor=handler)

    with pytest.raises(AlreadyDone) as refused:
        services.stage_acknowledge(
            stage=stale_stage,
            points=["Another point."],
            outcomes_sought="Fix it.",
            responsible_for="The roof.",
            actor=second_handler,
        )

    assert refused.value.message == ALREADY_ACKNOWLEDGED
    assert codes(complaint, "stage.acknowledged") == 1
    assert complaint.points.count() == len(POINTS)


def test_an_extension_from_a_stale_page_builds_on_the_one_made_meanwhile(
    monday, resident, category, handler, second_handler
):
    complaint = acknowledged(
        received(resident=resident, actor=handler, category=category), actor=handler
    )
    stale_stage = stage_of(complaint)
    services.stage_extend(
        stage=stage_of(complaint),
        new_due=date(2026, 3, 23),
        reason="Survey.",
        resident_informed_on=monday,
        update_interval_days=5,
        actor=handler,
    )

    extension = services.stage_extend(
        stage=stale_stage,
        new_due=date(2026, 3, 27),
        reason="Roofer ill.",
        resident_informed_on=monday,
        update_interval_days=5,
        actor=second_handler,
    )

    assert extension.previous_due == date(2026, 3, 23)  # not the stale 16 March
    assert stage_of(complaint).response_due == date(2026, 3, 27)


def test_escalating_from_a_stale_page_is_refused_as_already_done(
    monday, resident, category, handler, second_handler
):
    complaint = responded(
        acknowledged(received(resident=resident, actor=handler, category=category), actor=handler),
        actor=handler,
    )
    stale = Complaint.objects.get(pk=complaint.pk)
    services.complaint_escalate(complaint=complaint, actor=handler)

    with pytest.raises(AlreadyDone) as refused:
        services.complaint_escalate(complaint=stale, actor=second_handler)

    assert refused.value.message == ALREADY_ESCALATED_TO_STAGE_TWO
    assert complaint.stages.count() == 2
