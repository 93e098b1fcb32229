"""Complaints that must be in the demo whatever its size: one of every state and hard case.

Each is placed in time so that today falls just after its `stop_after` step: a complaint
awaiting acknowledgement, one overdue, one extended past the Code's cap with a good reason...
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from putright.complaints.constants import Channel, ReferralOutcome
from putright.complaints.demo.plans import Extension, Plan, Promise, StagePlan, promises_for
from putright.rules.profile import HOUSING_OMBUDSMAN_2024

Table = dict[str, tuple[str, Decimal, str]]


def _stage(
    rng: random.Random,
    category: str,
    table: Table,
    *,
    ack: int = 2,
    respond: int = 8,
    verdict: str = "upheld",
    extensions: list[Extension] | None = None,
    outstanding: bool = False,
) -> StagePlan:
    promises = promises_for(rng, category, verdict, table)
    if outstanding:
        promises.append(
            Promise(
                "action",
                "Replace the rotten window frames in the bedroom.",
                due=25,
                done=None,
                owner="Apex Property Care",
            )
        )
    return StagePlan(
        ack_after=ack,
        respond_after=respond,
        verdict=verdict,
        extensions=extensions or [],
        promises=promises,
    )


def showcase_plans(make: Callable[[int], tuple[Plan, random.Random]], table: Table) -> list[Plan]:
    """The guaranteed complaints; `make(i)` gives a plan with who and what already chosen."""
    plans: list[Plan] = []

    def add(stop_after: str, position: float, shape: Callable[[Plan, random.Random], None]) -> None:
        plan, rng = make(len(plans))
        plan.stop_after, plan.stop_position = stop_after, position
        plan.stage1 = _stage(rng, plan.category, table)
        # Keep who and what from the random plan; the shape decides the whole life.
        plan.exclusion = plan.withdraw = plan.stage2 = plan.stage2_exclusion = None
        plan.ombudsman, plan.related_points, plan.logged_late_by = None, False, 0
        plan.close_after, plan.escalate_after = 20, None
        shape(plan, rng)
        plans.append(plan)

    def stage1(**kw: object) -> Callable[[Plan, random.Random], None]:
        def shape(plan: Plan, rng: random.Random) -> None:
            plan.stage1 = _stage(rng, plan.category, table, **kw)  # type: ignore[arg-type]

        return shape

    def escalated(
        ack2: int = 3,
        respond2: int = 15,
        ext2: list[Extension] | None = None,
        ombudsman: tuple[int, str, int] | None = None,
        exclusion: str | None = None,
    ) -> Callable[[Plan, random.Random], None]:
        def shape(plan: Plan, rng: random.Random) -> None:
            plan.escalate_after, plan.close_after = 6, 12
            plan.stage2_handler = "olivia" if plan.handler != "olivia" else "harry"
            plan.stage2 = _stage(
                rng,
                plan.category,
                table,
                ack=ack2,
                respond=respond2,
                verdict="partly_upheld",
                extensions=ext2,
            )
            plan.ombudsman, plan.stage2_exclusion = ombudsman, exclusion

        return shape

    # Received, awaiting acknowledgement: due soon; overdue; passed on late by a contractor.
    add("receive", 0.6, stage1(ack=5))
    add("receive", 1.0, stage1(ack=9))

    def passed_on_late(plan: Plan, rng: random.Random) -> None:
        plan.channel, plan.logged_late_by = Channel.CONTRACTOR, 3
        plan.stage1 = _stage(rng, plan.category, table, ack=4)

    add("receive", 0.0, passed_on_late)
    # Stage 1 open: on track; response overdue; related points added; extended within the cap;
    # extended past the cap with a good reason (Code 6.4).
    add("ack1", 0.4, stage1(ack=3, respond=9))
    add("ack1", 1.0, stage1(ack=2, respond=14))

    def related(plan: Plan, rng: random.Random) -> None:
        plan.related_points = True
        plan.stage1 = _stage(rng, plan.category, table, ack=1, respond=9)

    add("related_points", 0.5, related)
    add("extend1:0", 0.5, stage1(ack=2, respond=17, extensions=[Extension(8, 8)]))
    beyond = [Extension(9, 10), Extension(18, 25, good_reason=True)]
    add("extend1:1", 0.3, stage1(ack=1, respond=34, extensions=beyond))
    # Stage 1 answered, with an outstanding action still to do.
    add("respond1", 0.3, stage1(ack=2, respond=9, outstanding=True))
    # Stage 2: requested; open; extended; final response sent.
    add("assign2", 0.2, escalated(ack2=4))
    add("ack2", 0.5, escalated(respond2=18))
    add("extend2:0", 0.5, escalated(respond2=33, ext2=[Extension(18, 15)]))
    add("respond2", 0.3, escalated())
    # Closed after stage 2 and taken to the Ombudsman: a finding; still waiting.
    add("ombudsman_outcome", 0.4, escalated(ombudsman=(35, ReferralOutcome.MALADMINISTRATION, 150)))
    add("refer", 0.3, escalated(ombudsman=(30, ReferralOutcome.SERVICE_FAILURE, 300)))
    # Withdrawn; escalation refused because a court claim was filed (Code 5.11).
    add("withdraw", 0.5, lambda plan, rng: setattr(plan, "withdraw", "stage1"))
    add("exclude2", 0.5, escalated(exclusion="legal_proceedings"))
    # Not accepted, one for each ground in the Code and the policy.
    for ground in HOUSING_OMBUDSMAN_2024.exclusion_grounds:

        def excluded(plan: Plan, rng: random.Random, ground: str = ground.code) -> None:
            plan.exclusion, plan.stage1 = ground, None
            if ground == "over_12_months":
                plan.issue_days_ago = rng.randint(450, 700)

        add("exclude", 0.1 + 0.8 * (len(plans) % 7) / 6, excluded)
    # Closed with missed deadlines: a late acknowledgement and a late response.
    add("close", 0.3, stage1(ack=8, respond=14))
    # Closed after a stage 1 extension past the cap.
    add("close", 0.6, stage1(ack=1, respond=30, extensions=beyond))
    return plans
