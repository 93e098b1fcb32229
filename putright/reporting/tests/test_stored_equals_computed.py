"""Property: for any history of acknowledgements, extensions (with and without a good reason)
and closures added and removed, what is stored equals what the one clock computes, and every
reader sees that: the model fields, the work-queue column, the API's serializer output and the
reports' classification (issue 16)."""

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from putright.complaints.calendar import landlord_history
from putright.complaints.deadlines import stage_clocks
from putright.complaints.models import NonWorkingDay
from putright.complaints.serializers import ComplaintSerializer
from putright.complaints.services import closures, stage_extend
from putright.complaints.services.common import today
from putright.complaints.tests.stories import acknowledged, received, reload, responded, travel
from putright.core.errors import ComplaintError
from putright.people.factories import ResidentFactory
from putright.reporting import reference
from putright.reporting.figures import Period
from putright.rules.profile import get_profile

START = date(2026, 1, 5)  # a Monday, clear of bank holidays until Good Friday, 3 April

step = st.one_of(
    st.tuples(st.just("wait"), st.integers(1, 6)),
    st.tuples(st.just("close_day"), st.integers(-10, 30)),
    st.tuples(st.just("reopen_day"), st.integers(0, 5)),
    st.just(("acknowledge",)),
    st.tuples(st.just("extend"), st.integers(1, 16), st.booleans()),
    st.just(("respond",)),
)


def _check_everywhere(complaint) -> None:
    complaint = reload(complaint)
    history, profile = landlord_history(), get_profile(complaint.profile_code)
    stages = list(complaint.stages.all())
    clocks = {
        s.number: stage_clocks(
            s, state=complaint.state, on=today(), history=history, profile=profile
        )
        for s in stages
    }
    for stage in stages:
        c = clocks[stage.number]
        # Model fields: written only from the clock.
        assert stage.ack_due == c.acknowledgement.due
        assert stage.response_due_original == c.response.original_due
        assert stage.response_due == c.response.due
    current = clocks[complaint.current_stage]
    assert complaint.next_due == (current.current.due if complaint.is_open else None)
    # The API's serializer output.
    data = ComplaintSerializer(complaint, context={"clocks": clocks}).data
    for out, stage in zip(data["stages"], stages, strict=True):
        assert out["ack_due"] == (stage.ack_due.isoformat() if stage.ack_due else None)
        assert out["response_due"] == (
            stage.response_due.isoformat() if stage.response_due else None
        )
        assert out["response_deadline"]["due"] == out["response_due"]
        assert out["response_deadline"]["original_due"] == out["response_due_original"]
    # The reports' classification, by the selector the figures are counted from.
    facts = {
        (f.complaint_id, f.stage): f
        for f in reference.stage_facts(Period(START, today(), "all"), on=today(), stored=True)
    }
    for stage in stages:
        fact = facts[(complaint.pk, stage.number)]
        assert fact.response_timeliness == clocks[stage.number].response.timeliness
        assert fact.ack_timeliness == clocks[stage.number].acknowledgement.timeliness


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_stored_equals_computed_for_any_history(steps, time_machine, handler):
    NonWorkingDay.objects.all().delete()  # each example starts with no landlord closures
    day = START
    travel(time_machine, day)
    complaint = received(resident=ResidentFactory(), actor=handler)
    for item in steps:
        kind = item[0]
        stage = reload(complaint).stages.get(number=1)
        if kind == "wait":
            day += timedelta(days=item[1])
            travel(time_machine, day)
        elif kind == "close_day":
            target = day + timedelta(days=item[1])
            if (
                target.weekday() < 5
                and not NonWorkingDay.objects.filter(day=target, withdrawn_on__isnull=True).exists()
            ):
                closures.closure_add(day=target, reason="Closed", actor=handler)
        elif kind == "reopen_day":
            standing = list(NonWorkingDay.objects.filter(withdrawn_on__isnull=True))
            if standing:
                closures.closure_remove(closure=standing[item[1] % len(standing)], actor=handler)
        elif kind == "acknowledge" and stage.acknowledged_on is None:
            complaint = acknowledged(complaint, actor=handler)
        elif kind == "extend" and stage.acknowledged_on and stage.responded_on is None:
            new_due = stage.response_due + timedelta(days=item[1])
            # Refused beyond the cap without a good reason, or to a day that is not worked.
            with contextlib.suppress(ComplaintError):
                stage_extend(
                    stage=stage,
                    new_due=new_due,
                    reason="More time",
                    resident_informed_on=today(),
                    update_interval_days=5,
                    actor=handler,
                    good_reason="Specialist needed" if item[2] else "",
                )
        elif kind == "respond" and stage.acknowledged_on and stage.responded_on is None:
            complaint = responded(complaint, actor=handler)
        _check_everywhere(complaint)
