"""Queries that turn the case record into report facts, and the lists behind each figure."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from putright.complaints.calendar import landlord_history
from putright.complaints.constants import Outcome, overall_outcome
from putright.complaints.deadlines import agreed_extensions, stage_clocks
from putright.complaints.models import (
    Complaint,
    Decision,
    ExceptionalPeriod,
    ExceptionalStatus,
    Exclusion,
    Extension,
    OmbudsmanReferral,
    Remedy,
    Response,
    Stage,
)
from putright.complaints.services.common import tenure_at_receipt
from putright.people.models import Tenancy
from putright.reporting.figures import (
    ExtensionFact,
    Group,
    Period,
    RemedyCounts,
    Row,
    StageCounts,
    StageFact,
    received_in,
)
from putright.reporting.models import (
    HomesCount,
    OmbudsmanCodeFinding,
    OmbudsmanFinding,
    OmbudsmanOrder,
    ReportTextVersion,
    SelfAssessment,
    ServiceImprovement,
)
from putright.rules.clocks import Timeliness
from putright.rules.profile import CodeProfile, get_profile
from putright.rules.workflow import OPEN_STATES, State

UNCATEGORISED = "Uncategorised"
# A stored timeliness ("" while the step is not done) as the clock's value.
_TIMELINESS: dict[str, Timeliness | None] = {"": None, **{t.value: t for t in Timeliness}}
_NO_DECISIONS: frozenset[str] = frozenset()
# A stored outcome ("" while unanswered) as `overall_outcome` gives it.
_OUTCOME: dict[str, str] = {"": "", **{o.value: o for o in Outcome}}


@lru_cache(maxsize=8)
def _profile(code: str) -> CodeProfile:
    return get_profile(code)


@dataclass(frozen=True)
class _ClosedOn:
    closed_on: date | None


@dataclass(frozen=True)
class _ExtensionRow:
    pk: int
    agreed_on: date
    new_due: date
    good_reason: str


@dataclass(frozen=True)
class _StageRow:
    """The fields of a Stage that `stage_clocks` reads, without building model instances:
    a year at 100k complaints is ~115k stages, and model instances would double the cost."""

    number: int
    requested_on: date
    acknowledged_on: date | None
    response_due_original: date | None
    response_due: date | None
    responded_on: date | None
    complaint: _ClosedOn

    @property
    def is_extended(self) -> bool:
        return self.response_due is not None and self.response_due != self.response_due_original


_STAGE_COLUMNS = (
    "id",
    "number",
    "requested_on",
    "acknowledged_on",
    "response_due_original",
    "response_due",
    "responded_on",
    "handler_id",
    "complaint_id",
    "complaint__reference",
    "complaint__status",
    "complaint__closed_on",
    "complaint__profile_code",
    "complaint__resident_id",
    "complaint__received_on",
    "complaint__category__name",
    "complaint__home__estate",
    "complaint__home__block",
    "ack_timeliness",
    "response_timeliness",
    "timeliness_stored",
    "outcome",
    "early_resolution",
    "extended",
)


def in_period(period: Period) -> Q:
    """Stages that started, were acknowledged or were answered in the period."""
    return (
        Q(requested_on__range=(period.start, period.end))
        | Q(acknowledged_on__range=(period.start, period.end))
        | Q(responded_on__range=(period.start, period.end))
    )


def facts_of(stages: QuerySet[Stage], *, on: date, stored: bool = False) -> list[StageFact]:
    """One fact per stage, each clock counted by `stage_clocks` (the one clock the case page
    shows and the stored dates are written from) on `on`, and the answer (outcome, extension,
    early resolution) read from the response and extensions: what `stage_counts` does for the
    few stages it cannot count from what is stored. Each lookup (tenure, stage 1 handler,
    refusals, outcomes, extensions) is one query for the whole set.

    With `stored`, a stage's stored timeliness and answer are taken wherever they are the
    answer on `on` (as `stage_counts` takes them): a stored response timeliness on any day
    from the response on (a settled result never moves), a stored acknowledgement timeliness
    on any day at all. For a year of stages, see `reporting.reference` (tests and benches).
    """
    rows = list(stages.order_by("id").values_list(*_STAGE_COLUMNS))
    if not rows:  # (stage_counts asks for the few not counted in SQL: mostly none)
        return []
    history = landlord_history()
    complaint_ids = stages.values("complaint_id")
    stage_one_handler = dict(
        Stage.objects.filter(complaint_id__in=complaint_ids, number=1).values_list(
            "complaint_id", "handler_id"
        )
    )
    refused = set(
        Exclusion.objects.filter(
            complaint_id__in=complaint_ids, reinstated_on__isnull=True
        ).values_list("complaint_id", "stage")
    )
    outcomes: dict[int, set[str]] = defaultdict(set)
    for stage_id, outcome in (
        Decision.objects.filter(response__stage__in=stages)
        .values_list("response__stage_id", "outcome")
        .distinct()
        .order_by()
    ):
        outcomes[stage_id].add(outcome)
    extensions: dict[int, list[_ExtensionRow]] = defaultdict(list)
    for stage_id, pk, agreed_on, new_due, good_reason in Extension.objects.filter(
        stage__in=stages
    ).values_list("stage_id", "id", "agreed_on", "new_due", "good_reason"):
        extensions[stage_id].append(_ExtensionRow(pk, agreed_on, new_due, good_reason))
    early = set(
        Response.objects.filter(stage__in=stages, early_resolution=True).values_list(
            "stage_id", flat=True
        )
    )
    tenancies: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for resident_id, start_on, tenure in (
        Tenancy.objects.filter(resident__complaints__in=complaint_ids)
        .distinct()
        .order_by("start_on", "id")
        .values_list("resident_id", "start_on", "tenure")
    ):
        tenancies[resident_id].append((start_on, tenure))

    def tenure_on(resident_id: int, day: date) -> str:
        held = [tenure for start_on, tenure in tenancies.get(resident_id, ()) if start_on <= day]
        return held[-1] if held else ""

    facts = []
    for (
        stage_id,
        number,
        requested_on,
        acknowledged_on,
        due_original,
        due,
        responded_on,
        handler_id,
        complaint_id,
        reference,
        status,
        closed_on,
        profile_code,
        resident_id,
        received_on,
        category,
        estate,
        block,
        ack_stored,
        response_stored,
        is_stored,
        outcome_stored,
        early_stored,
        extended_stored,
    ) in rows:
        if stored and is_stored and (responded_on is None or responded_on <= on):
            ack_timeliness = _TIMELINESS[ack_stored]
            response_timeliness = _TIMELINESS[response_stored]
            outcome = _OUTCOME[outcome_stored]
            extended, early_resolution = extended_stored, early_stored
        else:
            row = _StageRow(
                number,
                requested_on,
                acknowledged_on,
                due_original,
                due,
                responded_on,
                _ClosedOn(closed_on),
            )
            clocks = stage_clocks(
                row,  # type: ignore[arg-type]  # duck-typed: the Stage fields stage_clocks reads
                state=State(status),
                on=on,
                history=history,
                profile=_profile(profile_code),
                extensions=agreed_extensions(extensions.get(stage_id, ())),
                closed_on=closed_on,
            )
            ack_timeliness = clocks.acknowledgement.timeliness
            response_timeliness = clocks.response.timeliness
            outcome = overall_outcome(outcomes.get(stage_id, _NO_DECISIONS))
            extended = stage_id in extensions
            early_resolution = stage_id in early
        facts.append(
            StageFact(
                complaint_id=complaint_id,
                reference=reference,
                stage=number,
                requested_on=requested_on,
                acknowledged_on=acknowledged_on,
                responded_on=responded_on,
                ack_timeliness=ack_timeliness,
                response_timeliness=response_timeliness,
                extended=extended,
                excluded=(complaint_id, number) in refused,
                tenure=tenure_on(resident_id, received_on),
                category=category or UNCATEGORISED,
                outcome=outcome,
                handler_id=handler_id,
                stage_one_handler_id=stage_one_handler.get(complaint_id) if number > 1 else None,
                resident_id=resident_id,
                estate=estate or "",
                block=block or "",
                early_resolution=early_resolution,
            )
        )
    return facts


class _YearMonth(Func):
    """A date's year and month as one number, 202504, in the database's own functions
    (Django's ExtractYear/ExtractMonth call back into Python for every row on SQLite)."""

    output_field = IntegerField()
    template = "CAST(to_char(%(expressions)s, 'YYYYMM') AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Dates are ISO text in SQLite: "2025-04-30" -> 202504.
        template = "CAST(replace(substr(%(expressions)s, 1, 7), '-', '') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _first_of(year_month: int | None) -> date | None:
    return None if year_month is None else date(year_month // 100, year_month % 100, 1)


def _grouped(stages: QuerySet[Any], attributes: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per distinct value of the attributes: how many, and their complaints ("1,5")."""
    grouped = (
        stages.values(*attributes)
        .annotate(n=Count("*"), ids=StringAgg(Cast("complaint_id", TextField()), Value(",")))
        .order_by()
    )
    if connection.vendor != "postgresql":
        return list(grouped)
    return _hashing_groups(grouped)


def _hashing_groups(grouped: QuerySet[Any]) -> list[dict[str, Any]]:
    """The grouped rows with PostgreSQL's sorts off for that one query, so it hashes the groups.

    A report's questions have a few hundred groups among 100,000 stages, but PostgreSQL
    estimates tens of thousands (its statistics cannot tell that the columns go together), so
    it sorts the stages (on disk beyond `work_mem`) where a hash table of the groups would do:
    a third to a half of the server's time of each question (bench/README.md, branch rep21).
    `SET LOCAL` lasts to the end of the transaction: inside the caller's, the setting it had
    is put back straight after the query; outside one, the query gets a transaction of its
    own and the setting ends with it. (A failed query leaves the caller's transaction to be
    rolled back, which takes the setting back with it.)
    """
    outer = connection.in_atomic_block or not connection.get_autocommit()
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT was, set_config('enable_sort', 'off', true) FROM "
                "(SELECT current_setting('enable_sort') AS was OFFSET 0) AS setting"
            )
            was = cursor.fetchone()[0]
        rows = list(grouped)
        if outer:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('enable_sort', %s, true)", [was])
    return rows


# What a report may ask of received stages besides stage, month, tenure and category.
_RECEIVED_BY = {
    "resident_id": F("complaint__resident_id"),
    "estate": Coalesce("complaint__home__estate", Value("")),
    "block": Coalesce("complaint__home__block", Value("")),
}


def stage_counts(
    period: Period, *, on: date | None = None, _excluding: frozenset[int] = frozenset()
) -> StageCounts:
    """The stages that started, were acknowledged or were answered in the period (`in_period`),
    counted in SQL by what the reports tell apart (`figures.StageCounts`): the same figures as
    one fact per stage (`reference.stage_facts`), without a row per stage in Python.

    Counted in SQL: every stage whose stored timeliness is the clock's answer on `on` (see
    `facts_of`), with its stored answer (outcome, extension, early resolution); the rest (not
    yet stored, or answered after `on`) are `facts_of` beside the groups. Tenure at receipt,
    refusal and whether stage 2's handler handled stage 1 are worked out per stage in the
    query as `facts_of` works them out in Python. Each question (received, answered with
    timeliness and outcomes, acknowledged) is asked when a report first reads it.
    The groups count by month: `period`, and every period a report asks of them, is whole
    months.
    """
    on = on or timezone.localdate()
    start, end = period.start, period.end
    stored = Q(timeliness_stored=True) & (Q(responded_on__isnull=True) | Q(responded_on__lte=on))
    stages = Stage.objects.exclude(complaint_id__in=_excluding) if _excluding else Stage.objects
    # Their ids first: `facts_of` looks up each of its tables by these stages, and by a list
    # of ids that is a few rows, not a pass over every stage each time.
    other_ids = list(
        stages.filter(in_period(period))
        .filter(Q(timeliness_stored=False) | Q(responded_on__gt=on))
        .order_by()  # (the default order would join every stage's complaint)
        .values_list("id", flat=True)
    )
    others = facts_of(Stage.objects.filter(pk__in=_ids_in(other_ids)), on=on) if other_ids else []
    counted = stages.filter(stored)
    received = counted.filter(requested_on__range=(start, end)).filter(
        ~Exists(
            Exclusion.objects.filter(
                complaint_id=OuterRef("complaint_id"),
                stage=OuterRef("number"),
                reinstated_on__isnull=True,
            )
        )
    )
    # Stored on the complaint (`Complaint.tenure_at_receipt`); looked up, by the same rule,
    # only for a complaint not written yet (loaded around the services, before the fill).
    tenure = Coalesce(
        F("complaint__tenure_at_receipt"),
        tenure_at_receipt(OuterRef("complaint__resident_id"), OuterRef("complaint__received_on")),
    )

    def received_rows() -> list[Row]:
        return [*_received_groups(), *others]

    def _received_groups() -> list[Group]:
        return [
            Group(
                row["n"],
                row["ids"],
                stage=row["number"],
                requested_on=_first_of(row["month"]),
                excluded=False,
                tenure=row["tenure"] or "",
                category=row["category"] or UNCATEGORISED,
            )
            for row in _grouped(
                received.annotate(
                    month=_YearMonth("requested_on"),
                    tenure=tenure,
                    category=F("complaint__category__name"),
                ),
                ("number", "month", "tenure", "category"),
            )
        ]

    answered = counted.filter(responded_on__range=(start, end)).annotate(
        month=_YearMonth("responded_on")
    )

    @cache
    def responded_rows() -> list[Row]:
        # One question for the TSM's timeliness and the stage tables' answers: both read the
        # same stages, and one pass over them costs less than two.
        return [
            *(
                Group(
                    row["n"],
                    row["ids"],
                    stage=row["number"],
                    responded_on=_first_of(row["month"]),
                    ack_timeliness=_TIMELINESS[row["ack_timeliness"]],
                    response_timeliness=_TIMELINESS[row["response_timeliness"]],
                    extended=row["extended"],
                    early_resolution=row["early_resolution"],
                    outcome=_OUTCOME[row["outcome"]],
                )
                for row in _grouped(
                    answered,
                    (
                        "number",
                        "month",
                        "ack_timeliness",
                        "response_timeliness",
                        "extended",
                        "early_resolution",
                        "outcome",
                    ),
                )
            ),
            *others,
        ]

    def acknowledged_rows() -> list[Row]:
        return [*_acknowledged_groups(), *others]

    def _acknowledged_groups() -> list[Group]:
        return [
            Group(
                row["n"],
                row["ids"],
                stage=row["number"],
                acknowledged_on=_first_of(row["month"]),
                ack_timeliness=_TIMELINESS[row["ack_timeliness"]],
                has_handler=row["has_handler"],
                handled_stage_one=row["handled_stage_one"],
            )
            for row in _grouped(
                counted.filter(acknowledged_on__range=(start, end)).annotate(
                    month=_YearMonth("acknowledged_on"),
                    has_handler=ExpressionWrapper(
                        Q(handler_id__isnull=False), output_field=BooleanField()
                    ),
                    # As `StageFact.handled_stage_one`: stage 2's handler is stage 1's (looked
                    # up for later stages only).
                    handled_stage_one=Case(
                        When(
                            number__gt=1,
                            then=Exists(
                                Stage.objects.filter(
                                    complaint_id=OuterRef("complaint_id"),
                                    number=1,
                                    handler_id=OuterRef("handler_id"),
                                )
                            ),
                        ),
                        default=Value(False),
                        output_field=BooleanField(),
                    ),
                ),
                ("number", "month", "ack_timeliness", "has_handler", "handled_stage_one"),
            )
        ]

    @cache
    def _received_by(within: Period, stage: int) -> list[Group]:
        # Every attribute a report may ask (`_RECEIVED_BY`) in one question, whichever it
        # asked first: the MRC pack's repeat complainants (by resident) and hotspots (by
        # estate and block) then read one pass over the quarter's stages, not two. A
        # resident's complaints mostly come from one home, so the groups are about as many
        # as by resident alone.
        rows = _grouped(
            received.filter(number=stage, requested_on__range=(within.start, within.end))
            .annotate(month=_YearMonth("requested_on"))
            .annotate(**{f"by_{name}": value for name, value in _RECEIVED_BY.items()}),
            ("month", *(f"by_{name}" for name in _RECEIVED_BY)),
        )
        return [
            Group(
                row["n"],
                row["ids"],
                stage=stage,
                requested_on=_first_of(row["month"]),
                excluded=False,
                **{name: row[f"by_{name}"] for name in _RECEIVED_BY},
            )
            for row in rows
        ]

    def received_by(within: Period, stage: int, attributes: tuple[str, ...]) -> list[Any]:
        unknown = set(attributes) - set(_RECEIVED_BY)
        if unknown:
            raise ValueError(f"Received stages are not counted by {sorted(unknown)}.")
        return _received_by(within, stage) + received_in(others, within, stage)

    return StageCounts(
        received_by=received_by,
        excluding=lambda ids: stage_counts(period, on=on, _excluding=_excluding | frozenset(ids)),
        questions={
            "received": received_rows,
            "responded": responded_rows,
            "responded_details": responded_rows,
            "acknowledged": acknowledged_rows,
        },
    )


_PENNY = Decimal(1).scaleb(-Remedy._meta.get_field("amount").decimal_places)


def remedy_counts(period: Period, *, on: date | None = None) -> RemedyCounts:
    """The remedies due or offered in the period (`reference.remedy_facts`) counted in SQL (`figures.RemedyCounts`): those
    due in the period by month, whether due before `on` and whether completed in time; those
    offered in it by month and type, with the amount offered."""
    on = on or timezone.localdate()
    due = [
        Group(
            row["n"],
            row["ids"],
            due_on=_first_of(row["month"]),
            due_before=row["due_before"],
            completed_in_time=row["in_time"],
        )
        for row in _grouped(
            Remedy.objects.filter(due_on__range=(period.start, period.end)).annotate(
                month=_YearMonth("due_on"),
                due_before=ExpressionWrapper(Q(due_on__lt=on), output_field=BooleanField()),
                in_time=ExpressionWrapper(
                    Q(completed_on__isnull=False, completed_on__lte=F("due_on")),
                    output_field=BooleanField(),
                ),
            ),
            ("month", "due_before", "in_time"),
        )
    ]
    offered = [
        Group(
            row["n"],
            "",
            offered_on=_first_of(row["month"]),
            remedy_type=row["remedy_type"],
            # As the database gave each amount (SQLite's sum drops the trailing zero).
            amount=None if row["amount"] is None else row["amount"].quantize(_PENNY),
        )
        for row in (
            Remedy.objects.annotate(offered=Coalesce("response__issued_on", "due_on"))
            .filter(offered__range=(period.start, period.end))
            .annotate(month=_YearMonth("offered"))
            .values("month", "remedy_type")
            .annotate(n=Count("id"), amount=Sum("amount"))
            .order_by()
        )
    ]
    return RemedyCounts(due=due, offered=offered, on=on)


def extension_facts(period: Period) -> list[ExtensionFact]:
    """Extensions agreed in the period: by the extension's own date, not when it was stored
    (an imported extension belongs to the year it was agreed, not the year of the import)."""
    rows = (
        Extension.objects.filter(agreed_on__range=(period.start, period.end))
        .values_list(
            "stage__complaint_id",
            "stage__complaint__reference",
            "stage__number",
            "agreed_on",
            "previous_due",
            "resident_informed_on",
            "beyond_cap",
            "good_reason",
        )
        .order_by("id")
    )
    return [
        ExtensionFact(cid, ref, number, agreed, prev, informed, beyond, good)
        for cid, ref, number, agreed, prev, informed, beyond, good in rows
    ]


def homes_for(year: int) -> HomesCount | None:
    return HomesCount.objects.filter(year=year).first()


def homes_counts() -> QuerySet[HomesCount]:
    return HomesCount.objects.select_related("recorded_by").order_by("-year")


# Up to this many ids are bound one parameter each; more are bound as one text parameter
# (a figure's complaints can be 70,000: one parameter each costs a second to bind).
_IDS_AS_PARAMETERS = 500


def _ids_in(ids: Sequence[int]) -> Any:
    """`pk__in` for the ids, as one parameter when they are many: the database splits the
    text ("12,40,41") itself."""
    if len(ids) <= _IDS_AS_PARAMETERS:
        return list(ids)
    text = ",".join(map(str, ids))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(string_to_array(%s, ',')::bigint[])", (text,))
    return RawSQL("SELECT value FROM json_each(%s)", (f"[{text}]",))


def complaints_in(ids: Sequence[int]) -> QuerySet[Complaint]:
    """The complaints behind a figure, for its drill-down list."""
    return (
        Complaint.objects.filter(pk__in=_ids_in(ids))
        .select_related("resident", "category", "handler")
        .order_by("received_on", "id")
    )


def exclusions_in(period: Period) -> list[tuple[str, int]]:
    """Complaints refused in the period, by ground (Code 8.1c)."""
    rows = (
        Exclusion.objects.filter(decided_on__range=(period.start, period.end))
        .values("ground")
        .annotate(n=Count("id"))
        .order_by("-n", "ground")
    )
    return [(row["ground"], row["n"]) for row in rows]


def referrals() -> QuerySet[OmbudsmanReferral]:
    return (
        OmbudsmanReferral.objects.select_related("complaint", "complaint__resident")
        .annotate(
            open_orders=Count("orders", filter=Q(orders__completed_on__isnull=True), distinct=True),
            open_requests=Count(
                "information_requests",
                filter=Q(information_requests__sent_on__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-referred_on", "-id")
    )


def referrals_during(period: Period) -> QuerySet[OmbudsmanReferral]:
    """Referrals open at some point in the period: made by its end, not decided before it."""
    return referrals().filter(
        Q(outcome_on__isnull=True) | Q(outcome_on__gte=period.start), referred_on__lte=period.end
    )


def referral_detail(pk: int) -> OmbudsmanReferral:
    return (
        OmbudsmanReferral.objects.select_related("complaint", "complaint__resident", "recorded_by")
        .prefetch_related("information_requests", "findings", "orders", "code_findings")
        .get(pk=pk)
    )


def findings_in(period: Period) -> QuerySet[OmbudsmanFinding]:
    return (
        OmbudsmanFinding.objects.filter(determined_on__range=(period.start, period.end))
        .select_related("referral", "referral__complaint")
        .order_by("determined_on", "id")
    )


def code_findings_in(period: Period) -> QuerySet[OmbudsmanCodeFinding]:
    """Findings of non-compliance with the Code made by the Ombudsman in the period (8.1c)."""
    return (
        OmbudsmanCodeFinding.objects.filter(found_on__range=(period.start, period.end))
        .select_related("referral", "referral__complaint")
        .order_by("found_on", "id")
    )


def member_responsible() -> Any:
    """The governing body's designated Member Responsible for Complaints (Code 9.5), if any."""
    from putright.accounts.models import User

    return User.objects.filter(role=User.Role.MRC, is_active=True).first()


def exceptional_periods_during(period: Period) -> tuple[list[ExceptionalPeriod], set[int]]:
    """Approved periods of exceptional circumstances overlapping `period`, and the ids of the
    complaints they affected (Code 8.5)."""
    periods = list(
        ExceptionalPeriod.objects.filter(
            status__in=[ExceptionalStatus.IN_FORCE, ExceptionalStatus.ENDED],
            starts_on__lte=period.end,
        )
        .filter(
            Q(ended_on__gte=period.start)
            | Q(ended_on__isnull=True, expected_end_on__gte=period.start)
            | Q(ended_on__isnull=True, status=ExceptionalStatus.IN_FORCE)
        )
        .prefetch_related("categories")
        .annotate(
            n_affected=Count("affected", distinct=True),
            # The return to compliance: affected complaints not yet answered or closed.
            n_open=Count(
                "affected",
                filter=Q(affected__status__in=[s.value for s in OPEN_STATES]),
                distinct=True,
            ),
        )
        .order_by("starts_on", "id")
    )
    ids = set(
        ExceptionalPeriod.affected.through.objects.filter(
            exceptionalperiod__in=[p.pk for p in periods]
        ).values_list("complaint_id", flat=True)
    )
    return periods, ids


def text_history(subject: str) -> QuerySet[ReportTextVersion]:
    """Every change to a report's written parts, newest first, with who made it."""
    return ReportTextVersion.objects.filter(subject=subject).select_related("changed_by")


def orders_open_or_due(period: Period) -> QuerySet[OmbudsmanOrder]:
    return (
        OmbudsmanOrder.objects.filter(
            Q(completed_on__isnull=True) | Q(due_on__range=(period.start, period.end))
        )
        .select_related("referral", "referral__complaint")
        .order_by("due_on", "id")
    )


def improvements(period: Period | None = None) -> QuerySet[ServiceImprovement]:
    qs = ServiceImprovement.objects.select_related("owner").annotate(driving=Count("complaints"))
    if period is not None:
        qs = qs.filter(
            Q(created_at__date__range=(period.start, period.end))
            | Q(completed_on__range=(period.start, period.end))
            | Q(completed_on__isnull=True)
        )
    return qs


def learning_in(period: Period) -> QuerySet[Response]:
    """Responses in the period that recorded learning (Code 9.1), newest first."""
    return (
        Response.objects.filter(issued_on__range=(period.start, period.end))
        .exclude(learning="")
        .select_related("stage", "stage__complaint", "stage__complaint__category")
        .order_by("-issued_on", "-id")
    )


def self_assessments() -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.select_related("created_by", "approved_by").annotate(
        contradicted=Count("rows", filter=Q(rows__shortfall=True, rows__comply="yes")),
        answered=Count("rows", filter=~Q(rows__comply="")),
        total=Count("rows"),
    )


def self_assessment_detail(pk: int) -> SelfAssessment:
    return (
        SelfAssessment.objects.select_related("created_by", "approved_by")
        .prefetch_related("rows")
        .get(pk=pk)
    )


def annual_note(year: int):
    from putright.reporting.models import AnnualReportNote

    return AnnualReportNote.objects.filter(year=year).first()


def latest_approved_assessment(year: int) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.filter(year=year, approved_on__isnull=False)
        .order_by("-approved_on", "-version")
        .first()
    )


def residents_named(ids: list[int]) -> dict[int, str]:
    from putright.people.models import Resident

    return dict(Resident.objects.filter(pk__in=ids).values_list("id", "full_name"))
