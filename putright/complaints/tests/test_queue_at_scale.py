"""The work queue's fast paths (issue 19) give the same rows, in the same order, as the plain
definitions; the stored "vulnerable resident" flag follows every change to vulnerabilities, and
the current stage's stored facts ("extended", the next update due) every change to the stage;
the count stops at the cap."""

from dataclasses import replace
from datetime import timedelta
from itertools import combinations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.complaints import services
from putright.complaints.followups import week_end
from putright.complaints.models import Category, Complaint, Stage
from putright.complaints.selectors import (
    QueueAttention,
    QueueFilters,
    QueueScope,
    dashboard_figures,
    needs_attention_counts,
    work_queue,
)
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    extended,
    received,
    reload,
    responded,
    stage_of,
)
from putright.core import fulltext
from putright.core.clock import today
from putright.people import services as people_services
from putright.people.factories import ResidentFactory
from putright.people.models import Vulnerability
from putright.rules.workflow import OPEN_STATES

pytestmark = pytest.mark.django_db


def flag(complaint: Complaint) -> bool:
    return Complaint.objects.values_list("resident_vulnerable", flat=True).get(pk=complaint.pk)


def test_the_vulnerable_flag_follows_vulnerabilities_added_ended_and_merged(
    handler, officer, monday
):
    rosa = ResidentFactory()
    complaint = received(resident=rosa, actor=handler)
    assert not flag(complaint)

    vulnerability = people_services.vulnerability_add(
        resident=rosa,
        description="Hearing loss",
        consent_given=True,
        actor=handler,
        review_on=monday + timedelta(days=90),
    )
    assert flag(complaint)

    people_services.support_review(item=vulnerability, still_needed=False, actor=handler)
    assert not flag(complaint)

    # Received while a vulnerability is already recorded.
    sam = ResidentFactory()
    Vulnerability.objects.create(resident=sam, description="Mobility")
    assert flag(received(resident=sam, actor=handler))

    # A merge moves the duplicate's vulnerability to the record kept, and a reversal back.
    kept = ResidentFactory()
    kept_complaint = received(resident=kept, actor=handler)
    merge = people_services.residents_merge(
        kept=kept, merged=sam, reason="The same person.", actor=officer
    )
    assert flag(kept_complaint)
    people_services.residents_merge_reverse(merge=merge, reason="Not the same.", actor=officer)
    assert not flag(kept_complaint)


def stored_facts(complaint: Complaint) -> tuple[bool, object]:
    return Complaint.objects.values_list("current_extended", "update_due").get(pk=complaint.pk)


def stage_facts(complaint: Complaint) -> tuple[bool, object]:
    """The same facts read from the current stage, as the clocks stored them."""
    stage = stage_of(reload(complaint))
    return stage.is_extended, stage.update_due


def test_the_current_stage_facts_follow_extend_update_respond_escalate_and_withdraw(
    handler, second_handler, time_machine, monday
):
    from putright.complaints.tests.stories import travel

    complaint = received(resident=ResidentFactory(), actor=handler, on=monday)
    assert stored_facts(complaint) == (False, None)
    complaint = acknowledged(complaint, actor=handler)
    assert stored_facts(complaint) == (False, None) == stage_facts(complaint)

    complaint = extended(complaint, actor=handler, new_due=complaint.next_due + timedelta(days=10))
    first_due = stage_of(complaint).update_due
    assert first_due is not None
    assert stored_facts(complaint) == (True, first_due) == stage_facts(complaint)

    travel(time_machine, monday + timedelta(days=8))
    services.stage_update_send(stage=stage_of(complaint), progress="Surveyed.", actor=handler)
    moved = stored_facts(complaint)
    assert moved[1] > first_due
    assert moved == (True, stage_of(complaint).update_due) == stage_facts(complaint)

    # Answered: still extended (the row's tag says so), no update owed any more.
    complaint = responded(complaint, actor=handler)
    assert stored_facts(complaint) == (True, None) == stage_facts(complaint)

    # Escalated: the new current stage is neither extended nor owed an update...
    complaint = escalated(complaint, actor=handler)
    assert stored_facts(complaint) == (False, None) == stage_facts(complaint)
    # ...until it is extended itself.
    complaint = acknowledged(complaint, actor=second_handler, handler=second_handler)
    complaint = extended(
        complaint, actor=second_handler, new_due=complaint.next_due + timedelta(days=14)
    )
    assert stored_facts(complaint)[0] is True
    assert stored_facts(complaint) == stage_facts(complaint)
    assert stored_facts(complaint)[1] is not None

    services.complaint_withdraw(complaint=reload(complaint), actor=handler, reason="Sorted.")
    assert stored_facts(complaint) == (True, None) == stage_facts(complaint)


def plain_queue(filters: QueueFilters, user, on) -> list[int]:
    """The queue by its definitions, row by row in Python: open complaints narrowed by each
    filter, the next deadline first, then the order of logging."""
    rows = []
    for c in Complaint.objects.select_related("handler"):
        stage = c.stages.get(number=c.current_stage)
        if c.state not in OPEN_STATES:
            continue
        if filters.scope == QueueScope.MINE and c.handler_id != user.pk:
            continue
        if filters.scope == QueueScope.UNASSIGNED and c.handler_id is not None:
            continue
        if filters.scope == QueueScope.TEAM and (c.handler is None or c.handler.team != user.team):
            continue
        checks = [
            filters.stage is None or c.current_stage == filters.stage,
            not filters.status or c.status == filters.status,
            filters.category_id is None or c.category_id == filters.category_id,
            filters.handler_id is None or c.handler_id == filters.handler_id,
            not filters.channel or c.channel == filters.channel,
            not filters.overdue or c.next_due < on,
            not filters.extended or stage.is_extended,
            not filters.vulnerable or c.resident.vulnerabilities.filter(active=True).exists(),
            # The stage-level definition: any stage of the complaint owing an update this week.
            filters.attention != QueueAttention.UPDATE_DUE
            or Stage.objects.filter(complaint=c, update_due__lte=week_end(on)).exists(),
        ]
        if all(checks):
            rows.append(c)
    return [c.pk for c in sorted(rows, key=lambda c: (c.next_due, c.pk))]


def test_every_filter_gives_the_rows_and_order_of_the_plain_definition(
    handler, second_handler, time_machine, monday
):
    from putright.complaints.tests.stories import travel

    repairs = Category.objects.create(code="repairs", name="Repairs")
    rent = Category.objects.create(code="rent", name="Rent")
    handler.team = "Complaints"
    handler.save(update_fields=["team"])
    second_handler.team = "Complaints"
    second_handler.save(update_fields=["team"])
    made = []
    for i in range(14):
        resident = ResidentFactory()
        if i % 3 == 0:
            people_services.vulnerability_add(
                resident=resident,
                description="Mobility",
                consent_given=True,
                actor=handler,
                review_on=monday + timedelta(days=90),
            )
        c = received(
            resident=resident,
            actor=handler,
            on=monday - timedelta(days=i % 5),
            category=[repairs, rent, None][i % 3],
            channel=["phone", "email"][i % 2],
        )
        if i % 7 != 0:
            c = acknowledged(c, actor=handler, handler=[handler, second_handler][i % 2])
        if i % 4 == 1:
            c = extended(c, actor=handler, new_due=c.next_due + timedelta(days=10))
        if i % 5 == 2 and i % 7 != 0:
            c = escalated(responded(c, actor=handler), actor=handler)
        if i == 9:
            c = responded(c, actor=handler)  # answered: no longer open
        made.append(c)
    # A vulnerability ended: its resident's complaint is no longer "vulnerable".
    ended = Vulnerability.objects.filter(resident=made[3].resident).get()
    people_services.support_review(item=ended, still_needed=False, actor=handler)
    # Updates sent: one last week (the next is due later this week), one today (next week).
    owing = [c for c in made if Complaint.objects.get(pk=c.pk).update_due is not None]
    travel(time_machine, monday + timedelta(days=18))
    services.stage_update_send(stage=stage_of(owing[0]), progress="Surveyed.", actor=handler)
    travel(time_machine, monday + timedelta(days=22))  # some deadlines now passed
    on = today()
    told = owing[1]
    services.stage_update_send(stage=stage_of(told), progress="Surveyed.", actor=handler)
    assert on < stage_of(owing[0]).update_due <= week_end(on) < stage_of(told).update_due

    single = [
        {"stage": 1},
        {"stage": 2},
        {"status": "received"},
        {"status": "stage1_open"},
        {"status": "stage2_requested"},
        {"category_id": repairs.pk},
        {"handler_id": second_handler.pk},
        {"channel": "email"},
        {"overdue": True},
        {"extended": True},
        {"vulnerable": True},
        {"attention": QueueAttention.UPDATE_DUE},
    ]
    cases = [{}, *single]
    cases += [{**a, **b} for a, b in combinations(single, 2) if not set(a) & set(b)]
    compared = 0
    for scope in QueueScope:
        for narrowing in cases:
            filters = replace(QueueFilters(scope=scope), **narrowing)
            fast = list(
                work_queue(user=handler, filters=filters, today=on).values_list("pk", flat=True)
            )
            assert fast == plain_queue(filters, handler, on), (scope, narrowing)
            compared += bool(fast)
    assert compared > 100  # most combinations match something: the check is not vacuous
    for narrowing in ({"extended": True}, {"attention": QueueAttention.UPDATE_DUE}):
        filters = replace(QueueFilters(), **narrowing)
        assert plain_queue(filters, handler, on), narrowing  # each has rows to compare...
    # ...and the week's end is the horizon.
    assert owing[0].pk in plain_queue(filters, handler, on)
    assert told.pk not in plain_queue(filters, handler, on)
    # The dashboard counts what the queue lists.
    extended_rows = plain_queue(QueueFilters(extended=True), handler, on)
    assert dashboard_figures(today=on, week_end=week_end(on)).extended == len(extended_rows)
    assert needs_attention_counts(today=on)["updates_due"] == len(plain_queue(filters, handler, on))


def test_a_count_past_the_cap_says_more_than(client, handler, monkeypatch, monday):
    monkeypatch.setattr(fulltext, "COUNT_CAP", 3)
    for _ in range(5):
        received(resident=ResidentFactory(), actor=handler)
    client.force_login(handler)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/?scope=all").content.decode()
    assert "More than 3 open complaints" in page
    # The count itself stops at the cap: it never reads every open complaint.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 4" in sql for sql in counts if "complaints_complaint" in sql)
    page = client.get("/?scope=all&channel=email").content.decode()
    assert "0 open complaints" in page


def test_status_and_channel_labels_are_those_django_gives():
    from django.db.models import Model

    for field, values in (
        ("status", [v for v, _ in Complaint._meta.get_field("status").choices]),
        ("channel", [v for v, _ in Complaint._meta.get_field("channel").choices]),
    ):
        for value in [*values, "not-a-choice"]:
            complaint = Complaint(**{field: value})
            django_own = Model._get_FIELD_display(complaint, Complaint._meta.get_field(field))
            assert getattr(complaint, f"get_{field}_display")() == django_own, (field, value)


def test_the_rows_queryset_is_built_again_when_the_letter_sources_change(monkeypatch):
    from putright.complaints import hooks, selectors

    built = selectors._queue_rows_queryset()
    assert selectors._queue_rows_queryset() is built  # once, not on every page
    ids = selectors.letter_trouble_complaints().children[0][1]
    assert selectors.letter_trouble_complaints().children[0][1] is ids

    monkeypatch.setattr(hooks, "_letter_trouble", [*hooks._letter_trouble[:1]])
    assert selectors._queue_rows_queryset() is not built
    assert selectors.letter_trouble_complaints().children[0][1] is not ids
    monkeypatch.setattr(hooks, "_letter_trouble", [])
    assert not list(Complaint.objects.filter(selectors.letter_trouble_complaints()))
    assert selectors.work_queue_rows([]) == []
