"""Demo data for Thrive Homes, built through the real complaint services (``seed_demo``).

Homes, residents and reference data are bulk-created. Every complaint is then planned as data
(``plans``), and played through the lifecycle services one step at a time, each inside
time-machine's travel to that step's historical day (``story``), so the services' own "today",
their auto timestamps and every case-record entry carry the real dates. Steps dated after
"today" are never run, which is what leaves recent complaints open.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from putright.accounts.models import User
from putright.complaints.calendar import landlord_calendar
from putright.complaints.compensation import schedule_on, seed_default_schedule
from putright.complaints.demo.homes import (
    Household,
    load_households,
    seed_people,
    seed_reference_data,
)
from putright.complaints.demo.plans import (
    Days,
    Plan,
    place_today,
    random_plan,
    schedule,
)
from putright.complaints.demo.showcase import showcase_plans
from putright.complaints.demo.story import Story
from putright.complaints.models import CompensationBand, Complaint
from putright.core.clock import today as real_today
from putright.people import search as resident_search
from putright.people.models import Property

HISTORY_DAYS = 548  # about 18 months of complaints back from today
LINKED_SHARE = 0.02  # complaints that started as new, unrelated points on an earlier one


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: bool
    counts: dict[str, int]


def compensation_table(on: date) -> dict[str, tuple[str, Decimal, str]]:
    """The compensation schedule in force (data, policy 6.5): {code: (label, proposed, unit)}."""
    return {b.code: (b.label, b.proposed, b.unit) for b in schedule_on(on)}


def reset() -> None:
    """Empty the complaints and people tables (and any table that refers to them).

    The case record refuses DELETE through the ORM and, on PostgreSQL, through row triggers;
    the database's own flush (TRUNCATE on PostgreSQL, DELETE FROM on SQLite, which has no
    delete trigger) is what Django's ``flush`` uses, limited here to the demo's tables.
    Staff accounts are kept.
    """
    models = [
        # The compensation schedule is the landlord's setting, not demo data: it stays.
        *(m for m in apps.get_app_config("complaints").get_models() if m is not CompensationBand),
        *apps.get_app_config("people").get_models(),
    ]
    tables = [m._meta.db_table for m in models]
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.in_atomic_block and connection.vendor == "postgresql":
        # PostgreSQL refuses TRUNCATE while deferred foreign-key checks from rows written in
        # this same transaction are pending; run them now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(sql)


def _plans(
    n: int, seed: int, today: date, days: Days, households: list[Household], table: dict
) -> list[tuple[Plan, random.Random]]:  # type: ignore[type-arg]
    """Showcase plans first, then random ones to make up `n`, each with its own generator."""
    made: list[tuple[Plan, random.Random]] = []

    def rng_for(index: int) -> random.Random:
        # Seeded per complaint so each one's story is the same whatever else changes.
        return random.Random(f"{seed}:{index}")  # noqa: S311 - demo data, not security

    def make(index: int) -> tuple[Plan, random.Random]:
        rng = rng_for(index)
        return random_plan(index, rng, households, today, days, table), rng

    for plan in showcase_plans(make, table):
        place_today(plan, days, today, earliest=today - timedelta(days=HISTORY_DAYS))
        made.append((plan, rng_for(plan.index)))
    start = len(made)
    if n < start:
        raise ValueError(f"The demo needs at least {start} complaints to show every case.")
    for index in range(start, n):
        rng = rng_for(index)
        received = today - timedelta(days=rng.randint(0, HISTORY_DAYS))
        made.append((random_plan(index, rng, households, received, days, table), rng))
    # A few complaints began as new points raised on an earlier, still-open one (Code 6.8).
    randoms = [p for p, _ in made[start:]]
    for plan, rng in made[start:]:
        if rng.random() >= LINKED_SHARE or plan.stage1 is None or plan.withdraw == "received":
            continue
        parents = [
            p
            for p in randoms
            if p.stage1
            and not p.exclusion
            and p.withdraw != "received"
            and p.linked_from is None
            and p.received_on < plan.received_on
            and p is not plan
        ]
        if not parents:
            continue
        parent = rng.choice(parents)
        acked = days.after(parent.received_on, parent.stage1.ack_after if parent.stage1 else 0)
        received = days.after(acked, 3)
        if received <= today:
            plan.linked_from, plan.received_on = parent.index, received
            plan.household, plan.category, plan.channel = (
                parent.household,
                parent.category,
                parent.channel,
            )
            plan.logged_late_by = 0
    made.sort(key=lambda pr: (pr[0].received_on, pr[0].index))
    return made


def seed(
    *,
    complaints: int,
    seed: int,
    today: date | None = None,
    reset_first: bool = False,
    log: Callable[[str], object] = print,
) -> SeedResult:
    """Build the demo; does nothing if complaints already exist (unless reset_first)."""
    today = today or real_today()
    if reset_first:
        reset()
    elif Complaint.objects.exists():
        return SeedResult(created=0, skipped=True, counts=_counts())
    with transaction.atomic():
        categories = seed_reference_data()
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        households = load_households() if Property.objects.exists() else seed_people(rng)
        log(f"Homes and residents ready: {len(households):,} residents.")
        days = Days(landlord_calendar())
        staff = {
            u.username: u
            for u in User.objects.filter(username__in=["olivia", "hamid", "hannah", "harry"])
        }
        seed_default_schedule()
        table = compensation_table(today)
        made: dict[int, Complaint] = {}
        plans = _plans(complaints, seed, today, days, households, table)
        for i, (plan, rng) in enumerate(plans, start=1):
            story = Story(plan, rng=rng, days=days, staff=staff, categories=categories, made=made)
            story.play(today)
            if story.complaint is not None:
                made[plan.index] = story.complaint
            if i % 200 == 0:
                log(f"  {i:,} of {len(plans):,} complaints played")
        # Residents were bulk-created around the people services: index them for the finder
        # (each complaint was indexed as it was received).
        resident_search.reindex_all()
    return SeedResult(created=len(made), skipped=False, counts=_counts())


def _counts() -> dict[str, int]:
    return dict(Counter(Complaint.objects.values_list("status", flat=True)))


__all__ = ["SeedResult", "reset", "schedule", "seed"]
