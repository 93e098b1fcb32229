"""Receiving, refusing and reinstating complaints, and new points (Code 1-2, 5.12, 6.2, 6.8)."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from putright.complaints import services
from putright.complaints.constants import Channel
from putright.complaints.models import Complaint, ComplaintSearch, Exclusion
from putright.complaints.services.intake import (
    AWARE_BEFORE_ISSUE,
    DISCRETION_NOT_CONSIDERED,
    EXCLUSION_BEFORE_REQUEST,
    EXCLUSION_NEEDS_REASONING,
    NO_POINTS,
    REINSTATE_NEEDS_REASON,
    UNKNOWN_CHANNEL,
    UNKNOWN_GROUND,
    WITHIN_TIME_LIMIT,
)
from putright.complaints.tests.stories import (
    DESCRIPTION,
    MONDAY,
    acknowledged,
    assert_refused,
    escalated,
    event_codes,
    last_event,
    received,
    reload,
    responded,
    stage_of,
)
from putright.core.errors import InvalidInput, RuleBroken, TransitionRefused
from putright.core.validation import DATE_IN_FUTURE, REQUIRED
from putright.rules.exclusions import (
    AWARE_DATE_NEEDED,
    ISSUE_DATE_NEEDED,
    REASONING_TOO_SHORT,
)
from putright.rules.profile import HOUSING_OMBUDSMAN_2024
from putright.rules.workflow import Action, State, TransitionNotAllowed

pytestmark = pytest.mark.usefixtures("monday")


def receive(resident, actor, **kwargs):
    values = {
        "resident": resident,
        "channel": Channel.PHONE,
        "received_on": MONDAY,
        "description": DESCRIPTION,
        "actor": actor,
    }
    values.update(kwargs)
    return services.complaint_receive(**values)


def exclude(complaint, actor, **kwargs):
    values = {
        "complaint": complaint,
        "ground": "legal_proceedings",
        "reasoning": "A disrepair claim (claim K00AB123) was filed at the county court on 3 Feb.",
        "discretion_considered": False,
        "actor": actor,
    }
    values.update(kwargs)
    return services.complaint_exclude(**values)


# --- receive -------------------------------------------------------------------------------


def test_references_count_up_within_the_year_received(resident, handler):
    first = receive(resident, handler).complaint
    second = receive(resident, handler).complaint
    from_last_year = receive(resident, handler, received_on=date(2025, 12, 30)).complaint

    assert first.reference == "CMP-2026-000001"
    assert second.reference == "CMP-2026-000002"
    assert from_last_year.reference == "CMP-2025-000001"


def test_receiving_writes_the_complaint_once_in_a_fixed_few_queries(
    resident, handler, django_assert_max_num_queries
):
    """One statement for the reference (UPDATE ... RETURNING) and one to put it in, the
    deadlines worked out before the insert (no second write of next_due), the home taken by
    id (no read of it); the resident's vulnerable flag read once and written with the
    insert."""
    receive(resident, handler)  # the year's counter row exists from here on

    with django_assert_max_num_queries(14) as queries:
        complaint = receive(resident, handler).complaint

    sql = [q["sql"] for q in queries.captured_queries]
    # (On PostgreSQL they run as prepared statements: core.jsonrows.run_statement.)
    counter = ('"complaints_referencecounter"', "EXECUTE putright_reference_counter(")
    assert sum(any(c in q for c in counter) for q in sql) == 1
    updates = [q for q in sql if q.startswith('UPDATE "complaints_complaint"')]
    numbered = ('UPDATE "complaints_complaint" SET reference = ', "EXECUTE putright_complaint_")
    assert sum(q.startswith(numbered) for q in sql) == 1
    assert updates in ([], [next(q for q in sql if q.startswith(numbered))])
    assert complaint.reference == "CMP-2026-000002"
    assert reload(complaint).next_due == stage_of(complaint).ack_due
    assert reload(complaint).home_id == resident.home_id


def test_the_year_s_counter_is_taken_once_the_complaint_its_stage_and_entry_are_written(
    resident, handler
):
    """The counter row stays locked from its number to the commit, every other create of the
    year waiting for it: so it is taken after the complaint's rows are written, and only the
    number put in and the search row (which holds the reference) follow it."""
    receive(resident, handler)  # the year's counter row exists from here on

    with CaptureQueriesContext(connection) as queries:
        complaint = receive(resident, handler).complaint

    sql = [q["sql"] for q in queries.captured_queries]
    counter = next(
        i
        for i, q in enumerate(sql)
        if '"complaints_referencecounter"' in q or "EXECUTE putright_reference_counter(" in q
    )
    for table in ("complaint", "stage", "caseevent"):
        insert = f'INSERT INTO "complaints_{table}" '
        assert max(i for i, q in enumerate(sql) if q.startswith(insert)) < counter, table
    numbered, *rest = sql[counter + 1 :]
    assert numbered.startswith(
        ('UPDATE "complaints_complaint" SET reference = ', "EXECUTE putright_complaint_numbered(")
    )
    assert [q.split(" (")[0] for q in rest if not q.startswith("RELEASE SAVEPOINT")] == [
        'INSERT INTO "complaints_complaintsearch"'
    ]
    assert reload(complaint).reference == complaint.reference == "CMP-2026-000002"
    row = ComplaintSearch.objects.get(complaint=complaint)
    assert row.document.startswith("cmp 2026 000002 ")  # the number, not the one before it


def test_a_complaint_rolled_back_after_it_was_numbered_leaves_no_gap(resident, handler):
    """The number is taken in the complaint's own transaction, however late in it."""
    receive(resident, handler)

    def fails_after_the_complaint_is_written():
        with transaction.atomic():
            assert receive(resident, handler).complaint.reference == "CMP-2026-000002"
            raise RuntimeError("the request failed after the complaint was written")

    with pytest.raises(RuntimeError):
        fails_after_the_complaint_is_written()

    assert receive(resident, handler).complaint.reference == "CMP-2026-000002"
    assert list(Complaint.objects.values_list("reference", flat=True).order_by("pk")) == [
        "CMP-2026-000001",
        "CMP-2026-000002",
    ]


def test_a_complaint_opens_at_stage_one_with_acknowledgement_due_in_five_working_days(
    resident, handler
):
    complaint = reload(receive(resident, handler).complaint)

    stage = stage_of(complaint)
    assert complaint.status == State.RECEIVED
    assert complaint.current_stage == 1
    assert complaint.home == resident.home
    assert complaint.logged_by == handler
    assert stage.requested_on == MONDAY
    assert stage.ack_due == date(2026, 3, 9)
    assert complaint.next_due == date(2026, 3, 9)


def test_a_complaint_passed_on_by_a_colleague_starts_the_clock_the_day_they_heard_it(
    resident, handler
):
    heard_on = date(2026, 2, 26)  # Thursday
    complaint = reload(
        receive(resident, handler, channel=Channel.STAFF, received_on=heard_on).complaint
    )

    assert complaint.received_on == heard_on
    assert stage_of(complaint).ack_due == date(2026, 3, 5)  # 5 working days after Thursday
    assert complaint.next_due == date(2026, 3, 5)


@pytest.mark.parametrize("channel", [Channel.STAFF, Channel.CONTRACTOR])
def test_passing_a_complaint_on_after_more_than_one_working_day_is_flagged(
    resident, handler, channel
):
    # Heard Thursday, logged Monday: two working days (Friday, Monday), one too many.
    result = receive(resident, handler, channel=channel, received_on=date(2026, 2, 26))

    assert result.passed_on_late_by == 1
    assert last_event(result.complaint).data["passed_on_late_by"] == 1
    assert last_event(result.complaint).data["pass_on_working_days"] == 2


def test_passing_a_complaint_on_the_next_working_day_is_on_time(resident, handler):
    # Heard Friday, logged Monday: one working day.
    result = receive(resident, handler, channel=Channel.CONTRACTOR, received_on=date(2026, 2, 27))

    assert result.passed_on_late_by == 0


def test_a_late_logged_phone_complaint_is_not_a_pass_on_breach(resident, handler):
    result = receive(resident, handler, channel=Channel.PHONE, received_on=date(2026, 2, 20))

    assert result.passed_on_late_by == 0


def test_a_complaint_cannot_be_received_in_the_future(resident, handler):
    assert_refused(
        lambda: receive(resident, handler, received_on=date(2026, 3, 3)),
        DATE_IN_FUTURE,
        error=InvalidInput,
    )


def test_a_complaint_needs_a_description(resident, handler):
    error = assert_refused(
        lambda: receive(resident, handler, description="   "), REQUIRED, error=InvalidInput
    )
    assert error.field == "description"


def test_a_complaint_needs_a_known_channel(resident, handler):
    assert_refused(
        lambda: receive(resident, handler, channel="carrier_pigeon"),
        UNKNOWN_CHANNEL,
        error=InvalidInput,
    )


def test_a_resident_cannot_become_aware_before_the_issue_started(resident, handler):
    assert_refused(
        lambda: receive(
            resident,
            handler,
            issue_started_on=date(2026, 1, 10),
            became_aware_on=date(2026, 1, 9),
        ),
        AWARE_BEFORE_ISSUE,
        error=InvalidInput,
    )


def test_the_first_entry_of_the_record_keeps_the_original_complaint_and_date(resident, handler):
    complaint = receive(
        resident,
        handler,
        channel=Channel.STAFF,
        received_on=date(2026, 2, 26),
        heard_by="Dave, the caretaker",
        outcome_wanted="Fix the leak",
    ).complaint

    first = complaint.events.order_by("id").first()
    assert first.code == "complaint.received"
    assert first.happened_on == date(2026, 2, 26)
    assert first.actor == handler
    assert first.data["description"] == DESCRIPTION
    assert first.data["received_on"] == "2026-02-26"
    assert first.data["heard_by"] == "Dave, the caretaker"
    assert first.data["outcome_wanted"] == "Fix the leak"


# --- exclude -------------------------------------------------------------------------------

OLD_ISSUE_REASONING = (
    "The fence was damaged in the storm of June 2024; Rosa reported it then and was told it "
    "would not be replaced. Nothing new has come to light since."
)
OLD_ISSUE = {
    "issue_started_on": date(2024, 6, 1),
    "became_aware_on": date(2024, 6, 1),
    "reasoning": OLD_ISSUE_REASONING,
}


@pytest.mark.parametrize("ground", [g.code for g in HOUSING_OMBUDSMAN_2024.exclusion_grounds])
def test_every_exclusion_ground_can_be_used_with_reasoning(complaint, officer, ground):
    extra = OLD_ISSUE if ground == "over_12_months" else {}
    exclusion = exclude(complaint, officer, ground=ground, discretion_considered=True, **extra)

    complaint = reload(complaint)
    assert complaint.status == State.EXCLUDED
    assert complaint.closed_on == MONDAY
    assert complaint.next_due is None
    assert exclusion.ground == ground
    assert exclusion.stage == 1
    assert last_event(complaint).code == "complaint.excluded"
    assert last_event(complaint).data["ground"] == ground


def test_an_exclusion_needs_a_ground_from_the_list(complaint, officer):
    assert_refused(
        lambda: exclude(complaint, officer, ground="too_annoying"),
        UNKNOWN_GROUND,
        complaint=complaint,
        error=InvalidInput,
    )


def test_an_exclusion_needs_reasoning_for_this_case(complaint, officer):
    assert_refused(
        lambda: exclude(complaint, officer, reasoning=" "),
        EXCLUSION_NEEDS_REASONING,
        complaint=complaint,
        error=InvalidInput,
    )


def test_an_exclusion_cannot_be_dated_before_the_complaint_was_received(complaint, officer):
    assert_refused(
        lambda: exclude(complaint, officer, decided_on=date(2026, 2, 27)),
        EXCLUSION_BEFORE_REQUEST,
        complaint=complaint,
        error=InvalidInput,
    )


def test_the_twelve_month_ground_needs_discretion_considered(resident, handler, officer):
    complaint = received(resident=resident, actor=handler, issue_started_on=date(2024, 6, 1))

    assert_refused(
        lambda: exclude(
            complaint, officer, ground="over_12_months", discretion_considered=False, **OLD_ISSUE
        ),
        DISCRETION_NOT_CONSIDERED,
        complaint=complaint,
        error=RuleBroken,
    )


def test_the_twelve_month_ground_applies_to_an_old_issue(resident, handler, officer):
    complaint = received(resident=resident, actor=handler, issue_started_on=date(2024, 6, 1))

    exclusion = exclude(
        complaint,
        officer,
        ground="over_12_months",
        discretion_considered=True,
        discretion_notes="No reason given for the delay; she knew of it in June 2024.",
        became_aware_on=date(2024, 6, 1),
        reasoning=OLD_ISSUE_REASONING,
    )

    assert exclusion.discretion_considered is True
    complaint = reload(complaint)
    assert complaint.status == State.EXCLUDED
    # The date given with the decision is recorded on the complaint and in the case record.
    assert complaint.became_aware_on == date(2024, 6, 1)
    assert last_event(complaint).data["became_aware_on"] == "2024-06-01"


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("issue_started_on", "issue_started_on", ISSUE_DATE_NEEDED),
        ("became_aware_on", "became_aware_on", AWARE_DATE_NEEDED),
    ],
    ids=["no_issue_date", "no_aware_date"],
)
def test_the_twelve_month_ground_needs_both_dates(complaint, officer, missing, field, message):
    # Issue 18: a 12-month exclusion was accepted with no dates at all.
    values = {**OLD_ISSUE, missing: None}

    with pytest.raises(InvalidInput) as refused:
        exclude(complaint, officer, ground="over_12_months", discretion_considered=True, **values)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Exclusion.objects.exists()
    assert reload(complaint).status == State.RECEIVED


@pytest.mark.parametrize("reasoning", ["x", "n/a", "too old", "Over 12 months. See file. 2024."])
def test_the_twelve_month_ground_needs_reasoning_of_a_useful_length(complaint, officer, reasoning):
    # Issue 18: "x" passed as the reasoning for refusing a complaint.
    with pytest.raises(InvalidInput) as refused:
        exclude(
            complaint,
            officer,
            ground="over_12_months",
            discretion_considered=True,
            **{**OLD_ISSUE, "reasoning": reasoning},
        )

    assert refused.value.field == "reasoning"
    assert refused.value.message == REASONING_TOO_SHORT.format(words=12)
    assert not Exclusion.objects.exists()


def test_the_twelve_month_ground_refuses_awareness_before_the_issue(complaint, officer):
    with pytest.raises(InvalidInput) as refused:
        exclude(
            complaint,
            officer,
            ground="over_12_months",
            discretion_considered=True,
            **{**OLD_ISSUE, "became_aware_on": date(2024, 5, 1)},
        )

    assert refused.value.field == "became_aware_on"
    assert reload(complaint).issue_started_on is None


def test_the_twelve_month_ground_cannot_refuse_a_complaint_made_soon_after_becoming_aware(
    resident, handler, officer
):
    # The leak began in 2024 but Rosa only found the damage in September 2025 (Code 2.3).
    complaint = received(
        resident=resident,
        actor=handler,
        issue_started_on=date(2024, 1, 1),
        became_aware_on=date(2025, 9, 1),
    )

    assert_refused(
        lambda: exclude(
            complaint,
            officer,
            ground="over_12_months",
            discretion_considered=True,
            reasoning=OLD_ISSUE_REASONING,
        ),
        WITHIN_TIME_LIMIT,
        complaint=complaint,
        error=RuleBroken,
    )


def test_an_acknowledged_complaint_cannot_be_excluded(open_complaint, officer):
    assert_refused(
        lambda: exclude(open_complaint, officer),
        TransitionNotAllowed(State.STAGE1_OPEN, Action.EXCLUDE).message,
        complaint=open_complaint,
        error=TransitionRefused,
    )


def test_refusing_an_escalation_rests_on_an_exclusion_ground(open_complaint, handler, officer):
    complaint = escalated(responded(open_complaint, actor=handler), actor=handler)

    exclusion = exclude(complaint, officer, ground="previously_considered")

    complaint = reload(complaint)
    assert exclusion.stage == 2
    assert complaint.status == State.EXCLUDED
    assert complaint.next_due is None


def test_a_refused_complaint_can_be_reinstated_at_stage_one(complaint, officer):
    exclusion = exclude(complaint, officer)

    services.complaint_reinstate(
        complaint=reload(complaint), reason="The Ombudsman asked us to take it on.", actor=officer
    )

    complaint = reload(complaint)
    exclusion.refresh_from_db()
    assert complaint.status == State.RECEIVED
    assert complaint.closed_on is None
    assert complaint.next_due == date(2026, 3, 9)
    assert exclusion.reinstated_on == MONDAY
    assert event_codes(complaint)[-1] == "complaint.reinstated"


def test_a_refused_escalation_is_reinstated_at_stage_two(open_complaint, handler, officer):
    complaint = escalated(responded(open_complaint, actor=handler), actor=handler)
    exclude(complaint, officer, ground="previously_considered")

    services.complaint_reinstate(complaint=reload(complaint), reason="On review.", actor=officer)

    complaint = reload(complaint)
    assert complaint.status == State.STAGE2_REQUESTED
    assert complaint.next_due == stage_of(complaint, 2).ack_due


def test_reinstating_needs_a_reason(complaint, officer):
    exclude(complaint, officer)
    complaint = reload(complaint)

    assert_refused(
        lambda: services.complaint_reinstate(complaint=complaint, reason="", actor=officer),
        REINSTATE_NEEDS_REASON,
        complaint=complaint,
        error=InvalidInput,
    )
    assert Exclusion.objects.get().reinstated_on is None


# --- new points (Code 6.8) ------------------------------------------------------------------


def test_related_points_before_the_stage_one_response_join_the_definition(open_complaint, handler):
    result = services.complaint_add_points(
        complaint=open_complaint,
        points=["The ceiling plaster has now fallen."],
        related=True,
        actor=handler,
    )

    assert result.merged is True
    assert result.complaint == open_complaint
    assert list(open_complaint.points.values_list("number", flat=True)) == [1, 2, 3]
    assert Complaint.objects.count() == 1
    assert last_event(open_complaint).code == "definition.points_added"


def test_related_points_raised_before_acknowledgement_are_defined_with_the_rest(complaint, handler):
    result = services.complaint_add_points(
        complaint=complaint,
        points=["The bathroom fan is broken too."],
        related=True,
        actor=handler,
    )

    assert result.merged is True
    assert Complaint.objects.count() == 1
    acknowledged(complaint, actor=handler)
    texts = list(complaint.points.values_list("text", flat=True))
    assert texts[0] == "The bathroom fan is broken too."
    assert len(texts) == 3


def test_unrelated_points_become_a_new_linked_complaint_with_its_own_clock(open_complaint, handler):
    result = services.complaint_add_points(
        complaint=open_complaint,
        points=["A neighbour's dog barks all night."],
        related=False,
        actor=handler,
    )

    new = reload(result.complaint)
    assert result.merged is False
    assert new.pk != open_complaint.pk
    assert new.reference == "CMP-2026-000002"
    assert new.linked_to == open_complaint
    assert new.status == State.RECEIVED
    assert stage_of(new).ack_due == date(2026, 3, 9)
    assert open_complaint.points.count() == 2
    assert last_event(open_complaint).code == "complaint.linked"
    assert last_event(open_complaint).data["new_complaint"] == new.reference


def test_related_points_that_would_delay_the_response_become_a_new_complaint(
    open_complaint, handler
):
    result = services.complaint_add_points(
        complaint=open_complaint,
        points=["The whole roof needs surveying."],
        related=True,
        would_delay=True,
        actor=handler,
    )

    assert result.merged is False
    assert result.complaint.linked_to == open_complaint
    assert last_event(open_complaint).data["why"] == "would unreasonably delay the response"


def test_points_raised_after_the_stage_one_response_become_a_new_complaint(open_complaint, handler):
    complaint = responded(open_complaint, actor=handler)

    result = services.complaint_add_points(
        complaint=complaint, points=["The repair was poor."], related=True, actor=handler
    )

    assert result.merged is False
    assert result.complaint.linked_to == complaint
    assert complaint.points.count() == 2


def test_adding_points_needs_at_least_one_point(open_complaint, handler):
    assert_refused(
        lambda: services.complaint_add_points(
            complaint=open_complaint, points=["", "  "], related=True, actor=handler
        ),
        NO_POINTS,
        complaint=open_complaint,
        error=InvalidInput,
    )
