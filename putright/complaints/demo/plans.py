"""Each demo complaint's life planned as data: who, what, and every step with its date.

A plan makes every random choice up front, so its schedule is fixed before anything runs and
a complaint's story does not depend on how far "today" lets it get. Steps dated after today
are never run: that is what leaves recent complaints open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from putright.complaints.constants import Channel, ReferralOutcome
from putright.complaints.demo.homes import Household
from putright.complaints.demo.text import (
    CATEGORIES,
    CATEGORY_TEXT,
    COMPENSATION_FOR,
    STAGE2_POINTS,
    fill,
)
from putright.rules.calendar import WorkingCalendar, add_working_days
from putright.rules.profile import HOUSING_OMBUDSMAN_2024


class Days:
    """Working-day steps on the same landlord calendar the services use."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.cal = calendar

    def after(self, day: date, n: int) -> date:
        if n <= 0:
            return self.on_or_after(day)
        return add_working_days(day, n, calendar=self.cal)

    def on_or_after(self, day: date) -> date:
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        return day

    def before(self, day: date, n: int) -> date:
        while n > 0:
            day -= timedelta(days=1)
            if self.cal.is_working_day(day):
                n -= 1
        return day


@dataclass
class Extension:
    after: int  # working days after the acknowledgement that it is agreed
    extra: int  # working days beyond the original due date
    good_reason: bool = False


@dataclass
class Promise:
    """A remedy or outstanding action: due and (perhaps) done, in working days after the reply."""

    kind: str  # a remedy type code, or "action"
    description: str
    due: int
    done: int | None
    amount: Decimal | None = None
    owner: str = ""
    band: str = ""  # the compensation schedule line (policy 6.5)
    units: int | None = None


@dataclass
class StagePlan:
    ack_after: int  # working days from the request
    respond_after: int  # working days from the acknowledgement
    verdict: str = "upheld"  # upheld, partly_upheld, not_upheld
    early_resolution: bool = False
    extensions: list[Extension] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    extra_points: list[str] = field(default_factory=list)


@dataclass
class Plan:
    index: int
    household: Household
    category: str
    channel: str
    received_on: date
    issue_days_ago: int = 60
    logged_late_by: int = 0
    handler: str = "hamid"
    triaged: bool = False  # the officer acknowledges and allocates to the handler
    exclusion: str | None = None
    withdraw: str | None = None  # "received", "stage1" or "stage2"
    stage1: StagePlan | None = None
    related_points: bool = False
    linked_from: int | None = None  # new, unrelated points raised on that earlier complaint
    escalate_after: int | None = None  # working days after the stage 1 response
    close_after: int | None = 15  # working days after the latest response
    stage2_handler: str = "olivia"
    stage2_exclusion: str | None = None
    stage2: StagePlan | None = None
    ombudsman: tuple[int, str, int] | None = None  # days after final, finding, days to finding
    stop_after: str | None = None  # showcase: the step that must be the last one by today
    stop_position: float = 0.5  # 0: that step happened today; 1: the next one is due tomorrow


NEEDS_STAGE = "A plan that goes on to a stage needs that stage planned."


@dataclass(frozen=True)
class Step:
    on: date
    kind: str
    arg: int = 0

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.arg}" if self.kind.startswith("extend") else self.kind


def schedule(plan: Plan, days: Days) -> list[Step]:
    """Every step of the complaint's life with its date, in the order they happen."""
    main: list[Step] = []
    follow_ups: list[Step] = []
    logged = days.after(plan.received_on, plan.logged_late_by)
    main.append(Step(logged if plan.logged_late_by else plan.received_on, "receive"))
    if plan.exclusion:
        main.append(Step(max(logged, days.after(plan.received_on, 3)), "exclude"))
        return main
    if plan.withdraw == "received":
        main.append(Step(max(logged, days.after(plan.received_on, 2)), "withdraw"))
        return main
    if plan.stage1 is None:
        raise ValueError(NEEDS_STAGE)
    end = _stage(plan, plan.stage1, 1, plan.received_on, main, follow_ups, days, logged)
    if end is not None and plan.escalate_after is not None:
        requested = days.after(end, plan.escalate_after)
        if plan.close_after is not None and plan.close_after < plan.escalate_after:
            main.append(Step(days.after(end, plan.close_after), "close"))
        main.append(Step(requested, "escalate"))
        main.append(Step(requested, "assign2"))  # the officer allocates on the day
        if plan.stage2_exclusion:
            main.append(Step(days.after(requested, 3), "exclude2"))
            end = None
        else:
            if plan.stage2 is None:
                raise ValueError(NEEDS_STAGE)
            end = _stage(plan, plan.stage2, 2, requested, main, follow_ups, days)
            if end is not None and plan.close_after is not None:
                main.append(Step(days.after(end, plan.close_after), "close"))
    elif end is not None and plan.close_after is not None:
        main.append(Step(days.after(end, plan.close_after), "close"))
    if end is not None and plan.ombudsman:
        referred = days.on_or_after(end + timedelta(days=plan.ombudsman[0]))
        main.append(Step(referred, "refer"))
        main.append(
            Step(
                days.on_or_after(referred + timedelta(days=plan.ombudsman[2])), "ombudsman_outcome"
            )
        )
    steps = main + follow_ups
    order = {id(s): i for i, s in enumerate(steps)}
    # Stable: each day's main steps keep story order, follow-ups come after them.
    return sorted(steps, key=lambda s: (s.on, order[id(s)]))


def _stage(
    plan: Plan,
    sp: StagePlan,
    number: int,
    requested: date,
    main: list[Step],
    follow_ups: list[Step],
    days: Days,
    not_before: date | None = None,
) -> date | None:
    """Acknowledge, extend and respond; the response date, or None when the story ends here."""
    acked = max(days.after(requested, sp.ack_after), not_before or requested)
    main.append(Step(acked, f"ack{number}"))
    if number == 1 and plan.related_points:
        main.append(Step(days.after(acked, 2), "related_points"))
    for i, ext in enumerate(sp.extensions):
        if plan.withdraw == f"stage{number}" and ext.after >= 3:
            break  # withdrawn first
        main.append(Step(days.after(acked, ext.after), f"extend{number}", i))
    if plan.withdraw == f"stage{number}":
        main.append(Step(days.after(acked, 3), "withdraw"))
        return None
    responded = days.after(acked, sp.respond_after)
    main.append(Step(responded, f"review{number}"))
    main.append(Step(responded, f"respond{number}"))
    for i, promise in enumerate(sp.promises):
        if promise.done is not None:
            follow_ups.append(Step(days.after(responded, promise.done), f"done{number}", i))
    return responded


def place_today(plan: Plan, days: Days, today: date, *, earliest: date) -> None:
    """Move a showcase complaint back in time until `stop_after` is its last step by today."""
    candidates: list[date] = []
    received = today
    while received >= earliest:
        plan.received_on = received
        done = [s for s in schedule(plan, days) if s.on <= today and not s.kind.startswith("done")]
        if done and done[-1].name == plan.stop_after:
            candidates.append(received)
        elif candidates:
            break
        received = days.before(received, 1)
    if not candidates:
        raise RuntimeError(f"Cannot place demo complaint {plan.index} after {plan.stop_after}.")
    # Candidates run from "that step happened today" to "the next step is due tomorrow".
    plan.received_on = candidates[round(plan.stop_position * (len(candidates) - 1))]


# --- Random plans ------------------------------------------------------------------------------

CHANNELS = [
    (Channel.PHONE, 30),
    (Channel.EMAIL, 24),
    (Channel.ONLINE_FORM, 18),
    (Channel.PORTAL, 8),
    (Channel.LETTER, 5),
    (Channel.IN_PERSON, 3),
    (Channel.SOCIAL_MEDIA, 3),
    (Channel.CONTRACTOR, 3),
    (Channel.STAFF, 4),
    (Channel.SERVICE_REQUEST, 2),
]
WEEKEND_CHANNELS = [Channel.EMAIL, Channel.ONLINE_FORM, Channel.PORTAL, Channel.SOCIAL_MEDIA]
HANDLER_FOR = {
    "repairs": "hannah",
    "damp-mould": "hannah",
    "leaks": "hannah",
    "heating": "hannah",
    "asb": "harry",
    "estate-services": "harry",
    "grounds": "harry",
    "lettings": "harry",
}
GROUND_FOR = {
    "asb": "asb",
    "lettings": "lettings_decision",
    "rent-charges": "external_appeal",
    "leaks": "insurance_claim",
    "repairs": "service_request",
    "damp-mould": "legal_proceedings",
}
FINDINGS = [
    (ReferralOutcome.MALADMINISTRATION, 30),
    (ReferralOutcome.SERVICE_FAILURE, 20),
    (ReferralOutcome.NO_MALADMINISTRATION, 20),
    (ReferralOutcome.REASONABLE_REDRESS, 15),
    (ReferralOutcome.OUTSIDE_JURISDICTION, 5),
    (ReferralOutcome.SEVERE_MALADMINISTRATION, 3),
    (ReferralOutcome.MEDIATION, 4),
    (ReferralOutcome.WITHDRAWN, 3),
]


def weighted(rng: random.Random, pairs: list) -> object:  # type: ignore[type-arg]
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def promises_for(
    rng: random.Random, category: str, verdict: str, table: dict[str, tuple[str, Decimal, str]]
) -> list[Promise]:
    """Remedies (Code 7.1) and outstanding actions (6.6) fitting the verdict."""
    if verdict == "not_upheld":
        return []
    text = CATEGORY_TEXT[category]

    def done(due: int) -> int | None:
        roll = rng.random()
        if roll < 0.75:
            return rng.randint(0, due)
        return due + rng.randint(2, 15) if roll < 0.9 else None  # late, or still outstanding

    promises = [
        Promise(
            "apology",
            "A written apology from the head of service for the failings identified.",
            due=0,
            done=0,
        )
    ]
    if rng.random() < (0.7 if verdict == "upheld" else 0.4):
        line, (low, high) = COMPENSATION_FOR[category]
        band = line if line in table else next(iter(table))
        label, rate, unit = table[band]
        units = rng.randint(low, high)
        amount = rate * units
        promises.append(
            Promise(
                "financial",
                f"£{amount:,.2f} compensation: {label.lower()} ({units} {unit}{'s' * (units > 1)} at "
                f"£{rate:,.2f}), paid by BACS or credited to the rent account as the resident prefers.",
                due=10,
                done=done(10),
                amount=amount,
                band=band,
                units=units,
            )
        )
    if rng.random() < 0.25:
        promises.append(
            Promise(
                "amended_record",
                "Correct the repair history and contact notes on the resident's record.",
                due=5,
                done=done(5),
            )
        )
    if verdict == "upheld" and rng.random() < 0.15:
        promises.append(
            Promise(
                "policy_change",
                "Review the service procedure in light of this "
                "complaint and report the change to the Complaints Panel.",
                due=40,
                done=done(40),
            )
        )
    for description in rng.sample(text["actions"], rng.randint(1, min(2, len(text["actions"])))):
        due = rng.randint(10, 35)
        owner = "Repairs team" if category in HANDLER_FOR else "Housing management team"
        promises.append(
            Promise(
                "action",
                fill(description, rng, since=date(2000, 1, 1)),
                due=due,
                done=done(due),
                owner=owner,
            )
        )
    return promises


def _stage_plan(
    rng: random.Random, number: int, category: str, table: dict[str, tuple[str, Decimal, str]]
) -> StagePlan:
    rule = HOUSING_OMBUDSMAN_2024.stage(number)
    ack = rng.randint(0, rule.ack_limit) if rng.random() < 0.86 else rng.randint(6, 9)
    verdict = weighted(rng, [("upheld", 35), ("partly_upheld", 30), ("not_upheld", 35)])
    sp = StagePlan(ack_after=ack, respond_after=0, verdict=str(verdict))
    roll = rng.random()
    limit = rule.response_limit
    if number == 1 and roll < 0.12:
        sp.early_resolution, sp.respond_after = True, rng.randint(1, 2)
    elif roll < 0.80:
        sp.respond_after = rng.randint(limit // 3, limit)
    elif roll < 0.92:
        extra = rng.randint(3, rule.extension_cap)
        sp.extensions = [Extension(after=limit - rng.randint(1, 3), extra=extra)]
        sp.respond_after = limit + extra - rng.randint(0, 2)
    elif roll < 0.96:
        extra = rng.randint(3, rule.extension_cap)
        sp.extensions = [Extension(after=limit - 1, extra=extra)]
        sp.respond_after = limit + extra + rng.randint(1, 6)  # late even after the extension
    else:
        sp.respond_after = limit + rng.randint(1, 8)  # missed, with no extension agreed
    sp.promises = promises_for(rng, category, sp.verdict, table)
    if number == 2 and rng.random() < 0.4:
        sp.extra_points = [rng.choice(STAGE2_POINTS)]
    return sp


def random_plan(
    index: int,
    rng: random.Random,
    households: list[Household],
    received: date,
    days: Days,
    table: dict[str, tuple[str, Decimal, str]],
) -> Plan:
    """One complaint's life as it might go: mostly answered at stage 1 and closed."""
    category = str(weighted(rng, [(c, share) for c, _n, share in CATEGORIES]))
    customers = (
        [h for h in households if h.tenure]
        if rng.random() < 0.985
        else [h for h in households if not h.tenure]
    )
    channel = weighted(rng, CHANNELS) if received.weekday() < 5 else rng.choice(WEEKEND_CHANNELS)
    plan = Plan(
        index=index,
        household=rng.choice(customers or households),
        category=category,
        channel=str(channel),
        received_on=received,
        issue_days_ago=rng.randint(14, 200),
        handler=HANDLER_FOR.get(category, "hamid") if rng.random() < 0.8 else "olivia",
        triaged=rng.random() < 0.3,
    )
    if channel in {Channel.CONTRACTOR, Channel.STAFF, Channel.SOCIAL_MEDIA} and rng.random() < 0.3:
        plan.logged_late_by = rng.randint(2, 3)  # missed the 1-working-day pass-on (policy 5.1)
    roll = rng.random()
    if roll < 0.07:
        plan.exclusion = GROUND_FOR.get(
            category,
            rng.choice(
                [g.code for g in HOUSING_OMBUDSMAN_2024.exclusion_grounds if not g.discretion]
            ),
        )
        return plan
    if roll < 0.085:
        plan.withdraw = "received"
        return plan
    plan.stage1 = _stage_plan(rng, 1, category, table)
    if roll < 0.11:
        plan.withdraw = "stage1"
        plan.stage1.respond_after = max(plan.stage1.respond_after, 5)
        return plan
    if not plan.stage1.early_resolution and plan.stage1.respond_after >= 4 and rng.random() < 0.06:
        plan.related_points = True
    plan.close_after = rng.randint(8, 25)
    if rng.random() < 0.17:
        plan.escalate_after = rng.randint(2, 40)
        plan.stage2_handler = rng.choice(
            [s for s in ("olivia", "hamid", "harry") if s != plan.handler] or ["olivia"]
        )
        if rng.random() < 0.03:
            plan.stage2_exclusion = "legal_proceedings"
            return plan
        plan.stage2 = _stage_plan(rng, 2, category, table)
        if rng.random() < 0.05:
            plan.withdraw = "stage2"
            plan.stage2.respond_after = max(plan.stage2.respond_after, 5)
            return plan
        plan.close_after = rng.randint(5, 15)
        if rng.random() < 0.3:
            plan.ombudsman = (
                rng.randint(20, 120),
                str(weighted(rng, FINDINGS)),
                rng.randint(60, 240),
            )
    return plan
