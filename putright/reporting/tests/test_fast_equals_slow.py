"""Property: for any histories built through the real services, the reports as they count
(in SQL, ``selectors.stage_counts`` / ``remedy_counts``, from the timeliness and answer the
services stored on each stage: outcome, extension, early resolution) equal the reports
counted from one fact per stage with every stage's clocks run again and its answer read from
its response and extensions (the slow path, ``reference.stage_facts`` and
``reference.remedy_facts``), on the day of the last step and on earlier days (issue 19); and the
dashboard and team view read from the tallies the database keeps equal the same figures
counted from the rows.

The histories mix receipts (many back-dated by up to six weeks, so acknowledgements and
responses fall in a later month, quarter or year than the receipt), acknowledgements,
extensions within and beyond the cap (with and without a good reason), responses with each
outcome (at stage 1 some early resolutions), escalations, closures, withdrawals, refusals and
reinstatements, and landlord closures added and removed, starting just before Christmas, the
end of the reporting year (with Easter) or the May bank holidays.
"""

import contextlib
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from putright.complaints import search as complaint_search
from putright.complaints import services, tallies
from putright.complaints.constants import Outcome
from putright.complaints.models import Complaint, NonWorkingDay, Stage
from putright.complaints.selectors import dashboard_figures
from putright.complaints.services import closures
from putright.complaints.team import team_view
from putright.complaints.tests import reference as dashboard_reference
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    received,
    reload,
    responded,
    travel,
)
from putright.core.clock import today
from putright.core.errors import ComplaintError
from putright.people import services as people_services
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.models import Tenancy, Tenure
from putright.reporting import reference, reports, selectors
from putright.reporting.figures import (
    Period,
    by_month,
    category_by_month,
    hotspots,
    months,
    quarter,
    received_in,
    repeat_complainants,
    reporting_year,
    reporting_year_of,
    tally,
)

STARTS = (date(2025, 12, 15), date(2026, 3, 16), date(2026, 4, 27))
OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)

step = st.one_of(
    st.tuples(st.just("wait"), st.integers(1, 12)),
    # Back-dated up to six weeks: acknowledged and answered in a later month than received.
    st.tuples(st.just("receive"), st.integers(0, 4)),
    st.tuples(st.just("receive"), st.integers(5, 42)),
    # The next step of a complaint's life, so most histories get far: acknowledged, answered
    # (sometimes after an extension), escalated, answered again, closed.
    *[st.tuples(st.just("advance"), st.integers(0, 5), st.integers(0, 20), st.booleans())] * 8,
    st.tuples(st.just("acknowledge"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("extend"), st.integers(0, 5), st.integers(1, 20), st.booleans()),
    # Answered with each outcome, at stage 1 sometimes as an early resolution.
    st.tuples(st.just("respond"), st.integers(0, 5), st.sampled_from(OUTCOMES), st.booleans()),
    st.tuples(st.just("escalate"), st.integers(0, 5)),
    st.tuples(st.just("close"), st.integers(0, 5)),
    st.tuples(st.just("withdraw"), st.integers(0, 5)),
    st.tuples(st.just("exclude"), st.integers(0, 5)),
    st.tuples(st.just("reinstate"), st.integers(0, 5)),
    st.tuples(st.just("close_day"), st.integers(-5, 25)),
    st.tuples(st.just("reopen_day"), st.integers(0, 5)),
    # A new tenancy for a complaint's resident starting up to 10 days either side of its
    # receipt (with another tenure: its tenure at receipt moves when it starts by then).
    st.tuples(st.just("tenancy"), st.integers(0, 5), st.integers(-10, 10), st.integers(0, 3)),
)


def _resident(n: int):
    home = PropertyFactory(estate=f"Estate {n % 2}", block=f"Block {n % 3}")
    person = ResidentFactory(home=home)
    tenure = (Tenure.LOW_COST_RENTAL, Tenure.LOW_COST_HOME_OWNERSHIP, Tenure.LEASEHOLD)[n % 3]
    TenancyFactory(resident=person, home=home, tenure=tenure, start_on=date(2019, 4, 1))
    return person


def _apply(item: tuple, complaints: list[Complaint], handler, second_handler) -> None:
    kind = item[0]
    if kind == "receive":
        resident = _resident(len(complaints))
        on = today() - timedelta(days=item[1])
        complaints.append(received(resident=resident, actor=handler, on=on))
        return
    if kind == "close_day":
        target = today() + timedelta(days=item[1])
        if (
            target.weekday() < 5
            and not NonWorkingDay.objects.filter(day=target, withdrawn_on__isnull=True).exists()
        ):
            closures.closure_add(day=target, reason="Closed", actor=handler)
        return
    if kind == "reopen_day":
        standing = list(NonWorkingDay.objects.filter(withdrawn_on__isnull=True).order_by("id"))
        if standing:
            closures.closure_remove(closure=standing[item[1] % len(standing)], actor=handler)
        return
    if not complaints:
        return
    complaint = reload(complaints[item[1] % len(complaints)])
    if kind == "tenancy":
        people_services.tenancy_start(
            resident=complaint.resident,
            home=complaint.resident.home,
            tenure=tuple(Tenure)[item[3]],
            start_on=complaint.received_on + timedelta(days=item[2]),
        )
        return
    stage = complaint.stages.get(number=complaint.current_stage)
    if kind == "advance":
        kind, item = _next_step(complaint, stage, item)
    if kind == "acknowledge":
        # Sometimes acknowledged a day or two back (never before the request).
        on = max(stage.requested_on, today() - timedelta(days=item[2]))
        actor = second_handler if stage.number == 2 else handler
        acknowledged(complaint, actor=actor, on=on, handler=actor)
    elif kind == "extend" and stage.response_due:
        services.stage_extend(
            stage=stage,
            new_due=stage.response_due + timedelta(days=item[2]),
            reason="More time",
            resident_informed_on=today(),
            update_interval_days=5,
            actor=handler,
            good_reason="Specialist needed" if item[3] else "",
        )
    elif kind == "respond":
        actor = second_handler if stage.number == 2 else handler
        responded(
            complaint,
            actor=actor,
            decisions=_decisions(complaint, item[2]),
            early_resolution=stage.number == 1 and item[3],
        )
    elif kind == "escalate":
        escalated(complaint, actor=handler)
    elif kind == "close":
        services.complaint_close(complaint=complaint, reason="Done", actor=handler)
    elif kind == "withdraw":
        services.complaint_withdraw(complaint=complaint, reason="Sorted", actor=handler)
    elif kind == "exclude":
        services.complaint_exclude(
            complaint=complaint,
            ground="previously_considered",
            reasoning="Answered in full last year.",
            discretion_considered=False,
            actor=handler,
        )
    elif kind == "reinstate":
        services.complaint_reinstate(complaint=complaint, reason="Ombudsman asked", actor=handler)


def _next_step(complaint: Complaint, stage: Stage, item: tuple) -> tuple[str, tuple]:
    """What would happen next to this complaint, as one of the other steps."""
    _kind, index, number, flag = item
    if stage.acknowledged_on is None:
        return "acknowledge", ("acknowledge", index, number % 3)
    if stage.responded_on is None:
        if number % 4 == 0 and not stage.extensions.exists():
            return "extend", ("extend", index, number, flag)
        return "respond", ("respond", index, OUTCOMES[number % 3], flag)
    if stage.number == 1 and flag:
        return "escalate", ("escalate", index)
    return "close", ("close", index)


def _tenures_stored() -> dict[int, str]:
    return dict(Complaint.objects.values_list("pk", "tenure_at_receipt"))


def _tenures_counted() -> dict[int, str]:
    """Each complaint's tenure at receipt from the tenancies, in Python: the latest started by
    the day it was received (the latest made of those starting the same day), else ""."""
    counted = {}
    for complaint in Complaint.objects.all():
        held = sorted(
            (t.start_on, t.pk, t.tenure)
            for t in Tenancy.objects.filter(resident_id=complaint.resident_id)
            if t.start_on <= complaint.received_on
        )
        counted[complaint.pk] = held[-1][2] if held else ""
    return counted


def _decisions(complaint: Complaint, outcome: str):
    from putright.complaints.tests.stories import decisions_for

    return decisions_for(complaint, outcome=outcome)


def _by_month_slow(facts, period, stage):
    """`figures.by_month` as it was: every month counted over every stage."""
    received = received_in(facts, period, stage)
    return [(m.label, sum(1 for f in received if f.requested_on in m)) for m in months(period)]


def _category_by_month_slow(facts, period):
    """`figures.category_by_month` as it was: every category and month counted apart."""
    received = received_in(facts, period, 1)
    columns = months(period)
    rows = [
        (
            category,
            [sum(1 for f in received if f.category == c and f.requested_on in m) for m in columns],
        )
        for category, _count in tally(received, lambda f: f.category)
        for c in [category]
    ]
    return [m.label for m in columns], rows


def _slow_counts(period, *, on=None):
    return reference.stage_facts(period, on=on)


def _slow_remedies(period, *, on=None):
    return reference.remedy_facts(period)


def _both(call, monkeypatch):
    """`call()` as the reports count it, and from one fact per stage, every clock counted."""
    fast = call()
    with monkeypatch.context() as slow:
        slow.setattr(selectors, "stage_counts", _slow_counts)
        slow.setattr(selectors, "remedy_counts", _slow_remedies)
        return fast, call()


def _check_dashboard(days: list[date]) -> None:
    """The dashboard and the team view from the tallies the database keeps (issue 19) equal
    the same figures counted from the complaints and stages, on each day."""
    for name, (kept, counted) in tallies.recount().items():
        assert kept == counted, name
    for on in days:
        week_end = on + timedelta(days=6 - on.weekday())
        assert dashboard_figures(
            today=on, week_end=week_end
        ) == dashboard_reference.dashboard_figures_counted(today=on, week_end=week_end), on
        assert team_view(today=on) == dashboard_reference.team_view_counted(today=on), on


def _check(start: date, monkeypatch) -> None:
    # The search rows' copies of the queue's columns (PostgreSQL's triggers) follow every move.
    assert complaint_search.copies_astray() == []
    span = Period(start - timedelta(days=60), today() + timedelta(days=30), "all")
    days = sorted({today(), start + (today() - start) // 2, start})
    _check_dashboard(days)
    for on in days:
        fast = reference.stage_facts(span, on=on, stored=True)
        slow = reference.stage_facts(span, on=on)
        assert fast == slow, on
        counted = selectors.stage_counts(span, on=on)
        # The day's year and quarter 4, and the year the history started in (a receipt then
        # acknowledged or answered in the next year is still in that year's months).
        for period in {
            reporting_year(reporting_year_of(on)),
            quarter(reporting_year_of(on), 4),
            reporting_year(reporting_year_of(start)),
        }:
            for facts in (fast, counted):
                assert by_month(facts, period, 1) == _by_month_slow(slow, period, 1)
                assert by_month(facts, period, 2) == _by_month_slow(slow, period, 2)
                assert category_by_month(facts, period) == _category_by_month_slow(slow, period)
            assert repeat_complainants(counted, period) == repeat_complainants(slow, period)
            assert hotspots(counted, period) == hotspots(slow, period)
    for on in days:
        year = reporting_year_of(on)
        for call in (
            lambda: reports.all_figures(year, on=on),  # noqa: B023 (called at once)
            lambda: reports.annual_report(year, on=on),  # noqa: B023
            lambda: reports.mrc_pack(year, 4, on=on),  # noqa: B023
            lambda: reports.mrc_pack(year + 1, 1, on=on),  # noqa: B023
        ):
            fast, slow = _both(call, monkeypatch)
            assert fast == slow


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.sampled_from(STARTS),
    steps=st.lists(step, min_size=3, max_size=25),
)
# Always tried: received 16 Mar 2026 back-dated to 24 Feb, acknowledged 16 Mar and answered
# in April, a new reporting year (each count keyed on its own date, not another's).
@example(
    start=date(2026, 3, 16),
    steps=[
        ("receive", 20),
        ("advance", 1, 0, False),
        ("wait", 12),
        ("wait", 12),
        ("advance", 1, 1, False),
    ],
)
def test_reports_from_stored_timeliness_equal_a_recount(
    start, steps, time_machine, handler, second_handler, monkeypatch
):
    # Each example starts from an empty record: its writes are rolled back at the end.
    with transaction.atomic():
        travel(time_machine, start)
        complaints: list[Complaint] = []
        for item in [("receive", 0), *steps]:
            if item[0] == "wait":
                travel(time_machine, today() + timedelta(days=item[1]))
                continue
            with contextlib.suppress(ComplaintError):
                _apply(item, complaints, handler, second_handler)
        # Every stage the services made has its timeliness stored: the fast path is in use.
        assert not Stage.objects.filter(timeliness_stored=False).exists()
        # And every complaint's tenure at receipt, equal to the tenancies' say now.
        assert _tenures_stored() == _tenures_counted()
        assert not Complaint.objects.filter(tenure_at_receipt__isnull=True).exists()
        _check(start, monkeypatch)
        transaction.set_rollback(True)
