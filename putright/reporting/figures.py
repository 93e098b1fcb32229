"""Report figures as pure functions of facts drawn from the case record.

No ORM here: selectors turn the record into the small frozen facts below (with each stage's
timeliness already judged by the same clocks the case page uses), and these functions count
them. Every figure keeps the complaints behind it, so a report can drill down to them.

The same functions count either a list of facts (one per stage: the slow recount the tests
hold the reports to) or `StageCounts` / `RemedyCounts`: the stages counted in SQL by the
few things a report tells apart (`Group`: n stages and the complaints behind them), with the
stages whose stored timeliness is not the answer on the report day as facts beside them
(issue 19). Every count is a sum of `n` (1 for a fact), every list of complaints the union
of `ids`, worked out only when a figure is drilled into (`Ids`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from putright.rules.clocks import WITHIN_CODE_TIMESCALES, Timeliness
from putright.rules.profile import CodeProfile, get_profile

LCRA = "lcra"
LCHO = "lcho"
TENURE_LABELS = {LCRA: "low-cost rental (LCRA)", LCHO: "low-cost home ownership (LCHO)"}
# Within the Code's timescales: the original limit, an extension within the cap, or one beyond
# it with a recorded good reason (Code 6.4 / 6.15 cap extensions only "without good reason").
COMPLIANT = WITHIN_CODE_TIMESCALES
EXTENDED_COMPLIANT = frozenset({Timeliness.EXTENDED, Timeliness.EXTENDED_GOOD_REASON})
CH02_RULE = (
    "CH02 counts a response as within the Code's timescales when it was issued within the "
    "original limit (stage 1: 10 working days, Code 6.3; stage 2: 20, Code 6.14) or by an "
    "extended date that is within the Code's cap (10 / 20 more working days, Code 6.4 / 6.15) "
    "or beyond it with a good reason recorded (the Code caps extensions only 'without good "
    "reason'). Working days exclude weekends, England & Wales bank holidays and the landlord's "
    "closures as they stood when the deadline settled. 'Also acknowledged on time' further "
    "requires the stage to have been acknowledged within 5 working days (Code 6.2 / 6.11)."
)


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included: a reporting year, a quarter, a month."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def reporting_year(year: int) -> Period:
    """The regulator's year: 1 April `year` to 31 March `year + 1`."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31), f"{year}/{(year + 1) % 100:02d}")


def reporting_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarter(year: int, number: int) -> Period:
    """Quarter 1-4 of a reporting year (Q1 is April-June)."""
    if number not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    month = 4 + 3 * (number - 1)
    start_year = year + (month - 1) // 12
    start_month = (month - 1) % 12 + 1
    end_month = start_month + 2
    next_start = date(start_year + (end_month // 12), end_month % 12 + 1, 1)
    end = date.fromordinal(next_start.toordinal() - 1)
    return Period(date(start_year, start_month, 1), end, f"{year}/{(year + 1) % 100:02d} Q{number}")


def previous_quarters(year: int, number: int, count: int) -> list[Period]:
    """The `count` quarters before quarter `number` of `year`, oldest first."""
    periods = []
    for _ in range(count):
        number -= 1
        if number == 0:
            year, number = year - 1, 4
        periods.append(quarter(year, number))
    return list(reversed(periods))


def months(period: Period) -> list[Period]:
    result = []
    year, month = period.start.year, period.start.month
    while date(year, month, 1) <= period.end:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        result.append(
            Period(
                date(year, month, 1),
                date.fromordinal(nxt.toordinal() - 1),
                f"{date(year, month, 1):%b %Y}",
            )
        )
        year, month = nxt.year, nxt.month
    return result


@dataclass(frozen=True)
class StageFact:
    """One stage of one complaint, as the reports need it."""

    complaint_id: int
    reference: str
    stage: int
    requested_on: date
    acknowledged_on: date | None
    responded_on: date | None
    ack_timeliness: Timeliness | None
    response_timeliness: Timeliness | None
    extended: bool
    excluded: bool  # refused at this stage (Code 2.1-2.5) and not reinstated
    tenure: str  # lcra, lcho, or anything else
    category: str
    outcome: str  # upheld / partly_upheld / not_upheld / "" when not responded
    handler_id: int | None
    stage_one_handler_id: int | None  # for stage 2: who handled stage 1
    resident_id: int = 0
    estate: str = ""
    block: str = ""
    early_resolution: bool = False

    n = 1  # one stage: counted as `Group.n` is

    @property
    def ids(self) -> tuple[int, ...]:
        return (self.complaint_id,)

    @property
    def has_handler(self) -> bool:
        return bool(self.handler_id)

    @property
    def handled_stage_one(self) -> bool:
        """Stage 2 handled by whoever handled stage 1 (Code 6.13 forbids it)."""
        return self.handler_id is not None and self.handler_id == self.stage_one_handler_id


@dataclass(frozen=True)
class ExtensionFact:
    complaint_id: int
    reference: str
    stage: int
    agreed_on: date  # the extension's own date: a measure counts it in this day's year
    previous_due: date
    resident_informed_on: date | None  # None: imported without it, reported as unknown
    beyond_cap: bool
    good_reason: str

    n = 1

    @property
    def ids(self) -> tuple[int, ...]:
        return (self.complaint_id,)


@dataclass(frozen=True)
class RemedyFact:
    complaint_id: int
    reference: str
    remedy_type: str
    due_on: date
    completed_on: date | None
    amount: Decimal | None
    offered_on: date

    n = 1

    @property
    def ids(self) -> tuple[int, ...]:
        return (self.complaint_id,)

    @property
    def completed_in_time(self) -> bool:
        return self.completed_on is not None and self.completed_on <= self.due_on


class Group:
    """`n` stages (or remedies) that a report cannot tell apart, counted in SQL: the attributes
    a report reads (named as on `StageFact` / `RemedyFact`; a date is the first of its month,
    the reports' periods being whole months) and the complaints behind them as the database
    listed them ("12,40,41"), read only when a figure's complaints are wanted."""

    def __init__(self, n: int, ids_text: str | None, **attributes: object) -> None:
        self.n = n
        self._ids_text = ids_text or ""
        self.__dict__.update(attributes)

    @property
    def ids(self) -> list[int]:
        return [int(i) for i in self._ids_text.split(",") if i]

    def __getattr__(self, name: str) -> object:  # only for attributes not set: say which
        raise AttributeError(f"a Group counted without {name!r}")


Row = StageFact | Group


class Ids(Sequence[int]):
    """The complaints behind a figure, sorted: worked out from its stages on first use (a
    report page shows no list; a drill-down wants one figure's). Equal to the same tuple."""

    def __init__(self, items: Iterable[object]) -> None:
        self._items: Iterable[object] | None = items
        self._ids: tuple[int, ...] = ()

    def _tuple(self) -> tuple[int, ...]:
        if self._items is not None:
            self._ids = tuple(sorted({i for item in self._items for i in item.ids}))  # type: ignore[attr-defined]
            self._items = None
        return self._ids

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._tuple()[index]

    def __len__(self) -> int:
        return len(self._tuple())

    def __iter__(self) -> Iterator[int]:
        return iter(self._tuple())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ids):
            other = other._tuple()
        if isinstance(other, tuple):
            return self._tuple() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __repr__(self) -> str:
        return repr(self._tuple())


@dataclass
class StageCounts:
    """The stages of a span counted in SQL, each list holding the groups of one question and
    the stages counted apart as facts (`others`, in every list: each reader picks its own).

    - `received`: requested in the span, not refused, by stage, month, tenure and category;
    - `responded`: answered in the span, by stage, month and timeliness;
    - `responded_details`: answered in the span, by stage, month, extension, outcome and early
      resolution (`selectors.stage_counts` answers both in one pass: stored on the stage, they
      cost no more to count together);
    - `acknowledged`: acknowledged in the span, by stage, month, acknowledgement timeliness
      and whether stage 2's handler handled stage 1;
    - `received_by(period, stage, attributes)`: received in a period, by other attributes
      (resident, estate and block), counted when asked;
    - `excluding(complaint_ids)`: the same counts without some complaints.
    """

    received_by: Callable[[Period, int, tuple[str, ...]], list[Row]]
    excluding: Callable[[set[int]], StageCounts]
    # Each question is asked of the database when a report first reads it.
    questions: dict[str, Callable[[], list[Row]]]
    answers: dict[str, list[Row]] = field(default_factory=dict)

    def _answer(self, question: str) -> list[Row]:
        if question not in self.answers:
            self.answers[question] = self.questions[question]()
        return self.answers[question]

    @property
    def received(self) -> list[Row]:
        return self._answer("received")

    @property
    def responded(self) -> list[Row]:
        return self._answer("responded")

    @property
    def responded_details(self) -> list[Row]:
        return self._answer("responded_details")

    @property
    def acknowledged(self) -> list[Row]:
        return self._answer("acknowledged")


@dataclass
class RemedyCounts:
    """Remedies counted in SQL: `due` (due in the span, by month, whether due before `on` and
    whether completed in time) and `offered` (offered in the span, by month and type, with
    the amount offered); `on` is the day "due before" was counted on."""

    due: list[Group]
    offered: list[Group]
    on: date


Facts = Sequence[StageFact] | StageCounts
Remedies = Sequence[RemedyFact] | RemedyCounts


def total(items: Iterable[object]) -> int:
    """How many stages (or extensions, remedies) the items stand for."""
    return sum(item.n for item in items)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Figure:
    """One number in a report: how it was made and the complaints behind it."""

    key: str
    label: str
    numerator: int
    denominator: int | None
    value: float | None
    unit: str
    complaint_ids: Sequence[int]  # `Ids`: a sorted tuple once read
    explanation: str
    # For a measure PutRight makes impossible to fail: the control that enforces it.
    enforced_by: str = ""

    @property
    def display(self) -> str:
        if self.enforced_by:
            return "enforced by PutRight"
        if self.value is None:
            return "not available"
        if self.unit == "%":
            return f"{self.value:.1f}%"
        if self.unit == "count":
            return f"{self.numerator:,}"
        return f"{self.value:.2f}"


def _ids(facts: Iterable[object]) -> Ids:
    return Ids(facts)


def percentage(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 1)


def received_in(facts: Facts, period: Period, stage: int) -> list[Row]:
    """Stages requested in the period and accepted into the procedure (refusals are not)."""
    rows = facts.received if isinstance(facts, StageCounts) else facts
    start, end = period.start, period.end  # `in period`, without a call per stage
    return [
        f for f in rows if f.stage == stage and start <= f.requested_on <= end and not f.excluded
    ]


def responded_in(facts: Facts, period: Period, stage: int, *, details: bool = False) -> list[Row]:
    """Stages answered in the period; with `details`, rows that tell extension, outcome and
    early resolution apart (the others tell only timeliness)."""
    if isinstance(facts, StageCounts):
        rows = facts.responded_details if details else facts.responded
    else:
        rows = facts
    start, end = period.start, period.end
    return [
        f
        for f in rows
        if f.stage == stage and f.responded_on is not None and start <= f.responded_on <= end
    ]


def acknowledged_in(facts: Facts, period: Period, stage: int) -> list[Row]:
    rows = facts.acknowledged if isinstance(facts, StageCounts) else facts
    start, end = period.start, period.end
    return [
        f
        for f in rows
        if f.stage == stage and f.acknowledged_on is not None and start <= f.acknowledged_on <= end
    ]


def received_by(facts: Facts, period: Period, stage: int, attributes: tuple[str, ...]) -> list[Row]:
    """`received_in`, where each row tells the `attributes` (resident, estate, block) apart."""
    if isinstance(facts, StageCounts):
        return facts.received_by(period, stage, attributes)
    return received_in(facts, period, stage)


def without_complaints(facts: Facts, complaint_ids: set[int]) -> Facts:
    if isinstance(facts, StageCounts):
        return facts.excluding(complaint_ids)
    return [f for f in facts if f.complaint_id not in complaint_ids]


def count_figure(key: str, label: str, facts: Sequence[Row], explanation: str) -> Figure:
    n = total(facts)
    return Figure(key, label, n, None, float(n), "count", _ids(facts), explanation)


def ch01(facts: Facts, year: int, homes: dict[str, int] | None) -> list[Figure]:
    """TSM CH01: stage 1 and stage 2 complaints received per 1,000 homes, per tenure."""
    period = reporting_year(year)
    figures = []
    for stage in (1, 2):
        received = received_in(facts, period, stage)
        for tenure in (LCRA, LCHO):
            mine = [f for f in received if f.tenure == tenure]
            n = total(mine)
            denominator = (homes or {}).get(tenure)
            value = round(1000 * n / denominator, 2) if denominator else None
            figures.append(
                Figure(
                    key=f"ch01-stage{stage}-{tenure}",
                    label=f"CH01 stage {stage} complaints per 1,000 {TENURE_LABELS[tenure]} homes",
                    numerator=n,
                    denominator=denominator,
                    value=value,
                    unit="per 1,000 homes",
                    complaint_ids=_ids(mine),
                    explanation=(
                        f"Stage {stage} complaints received {period.start:%d %B %Y} to "
                        f"{period.end:%d %B %Y} from {TENURE_LABELS[tenure]} residents, "
                        "not counting complaints refused under the exclusions (Code 2), "
                        "× 1,000 ÷ homes owned that year."
                    ),
                )
            )
    return figures


def ch02(facts: Facts, year: int, *, profile: CodeProfile | None = None) -> list[Figure]:
    """TSM CH02: share of stage 1 / stage 2 responses within the Code's timescales (CH02_RULE).

    Per stage: within the original limit; within a Code-compliant extension; the two together
    (the return's figure); of those, also acknowledged on time; and the rest, outside.
    """
    profile = profile or get_profile()
    period = reporting_year(year)
    figures = []
    for stage in (1, 2):
        answered = responded_in(facts, period, stage)
        answered_n = total(answered)
        original = [f for f in answered if f.response_timeliness == Timeliness.ORIGINAL]
        extended = [f for f in answered if f.response_timeliness in EXTENDED_COMPLIANT]
        compliant = [f for f in answered if f.response_timeliness in COMPLIANT]
        acked = [f for f in compliant if f.ack_timeliness == Timeliness.ORIGINAL]
        outside = [f for f in answered if f.response_timeliness not in COMPLIANT]
        rule_of_stage = profile.stage(stage)
        limit = rule_of_stage.response_limit
        cap = rule_of_stage.extension_provision
        whole = f"all stage {stage} responses issued in {period.label}"
        for basis, within, label, rule in (
            (
                "original",
                original,
                f"CH02 stage {stage} responses within the original {limit} working days "
                "(the original limit)",
                f"issued within {limit} working days of the acknowledgement",
            ),
            (
                "extended",
                extended,
                f"CH02 stage {stage} responses within a Code-compliant extension",
                "issued after the original limit but by an extended date within the Code's cap, "
                f"or beyond it with a good reason recorded (Code {cap})",
            ),
            (
                "extension",
                compliant,
                f"CH02 stage {stage} responses within the Code's timescales",
                "within the original limit or a Code-compliant extension: the figure returned",
            ),
            (
                "ack-on-time",
                acked,
                f"CH02 stage {stage} responses within the Code's timescales, also "
                "acknowledged on time",
                f"within the Code's timescales and acknowledged within {rule_of_stage.ack_limit} "
                f"working days (Code {rule_of_stage.ack_provision})",
            ),
            (
                "outside",
                outside,
                f"Stage {stage} responses outside the Code's timescales",
                "late, or by an extended date beyond the cap with no good reason recorded",
            ),
        ):
            figures.append(
                Figure(
                    key=f"ch02-stage{stage}-{basis}",
                    label=label,
                    numerator=total(within),
                    denominator=answered_n,
                    value=percentage(total(within), answered_n),
                    unit="%",
                    complaint_ids=_ids(within),
                    explanation=f"Responses {rule}, ÷ {whole}.",
                )
            )
    return figures


# --- measures behind the self-assessment (Code 8.1a, 8.3) -------------------------------------


@dataclass(frozen=True)
class Measure:
    """A fact about compliance with one provision, and whether it shows a shortfall."""

    provision: str
    figure: Figure
    shortfall: bool


def _share(
    key: str,
    provision: str,
    label: str,
    population: Sequence[object],
    ok: Callable[[object], bool],
    ids: Callable[[Iterable[object]], Sequence[int]],
    explanation: str,
) -> Measure:
    good, whole = total(item for item in population if ok(item)), total(population)
    figure = Figure(
        key=key,
        label=label,
        numerator=good,
        denominator=whole,
        value=percentage(good, whole),
        unit="%",
        complaint_ids=ids([item for item in population if not ok(item)]),
        explanation=explanation,
    )
    return Measure(provision, figure, shortfall=good < whole)


EXTENSION_CAP_CONTROL = (
    "an extension beyond the Code's cap is refused without a recorded good reason (Code "
    "{provision}), on the case page, the API and the import"
)
SEPARATE_HANDLER_CONTROL = (
    "stage 2 cannot be assigned to, acknowledged by or answered by whoever handled stage 1 "
    "(Code 6.13), on the case page, the API and the import"
)


def _enforced(
    key: str,
    provision: str,
    label: str,
    population: Sequence[object],
    ok: Callable[[object], bool],
    control: str,
    explanation: str,
) -> Measure:
    """A measure PutRight makes impossible to fail: shown as enforced, with the control, not
    as a 100% that could never be anything else. Should the record ever hold a failure (data
    changed outside PutRight), it is shown as a share and a shortfall instead."""
    failures = [item for item in population if not ok(item)]
    if failures:
        return _share(key, provision, label, population, ok, _fact_ids, explanation)
    figure = Figure(
        key=key,
        label=label,
        numerator=total(population),
        denominator=total(population),
        value=None,
        unit="enforced",
        complaint_ids=(),
        explanation=f"{explanation} Enforced by PutRight: {control}.",
        enforced_by=control,
    )
    return Measure(provision, figure, shortfall=False)


def _fact_ids(items: Iterable[object]) -> Ids:
    return Ids(items)


def measures(
    facts: Facts,
    extensions: Sequence[ExtensionFact],
    remedies: Remedies,
    period: Period,
    today: date,
) -> list[Measure]:
    """Every provision the record can speak to; each figure's complaints are the exceptions."""
    result = []
    for stage, provision in ((1, "6.2"), (2, "6.11")):
        acked = acknowledged_in(facts, period, stage)
        result.append(
            _share(
                f"sa-{provision}",
                provision,
                f"Stage {stage} complaints acknowledged within 5 working days",
                acked,
                lambda f: f.ack_timeliness == Timeliness.ORIGINAL,
                _fact_ids,
                f"Stage {stage} acknowledgements in {period.label} made within 5 working days "
                "of receipt ÷ all of them. The drill-down lists the late ones.",
            )
        )
    for stage, provision, cap_provision in ((1, "6.3", "6.4"), (2, "6.14", "6.15")):
        answered = responded_in(facts, period, stage)
        result.append(
            _share(
                f"sa-{provision}",
                provision,
                f"Stage {stage} responses within the Code's timescales",
                answered,
                lambda f: f.response_timeliness in COMPLIANT,
                _fact_ids,
                f"Stage {stage} responses in {period.label} within the limit or a Code-compliant "
                "extension ÷ all of them. The drill-down lists the others.",
            )
        )
        stage_extensions = [e for e in extensions if e.stage == stage and e.agreed_on in period]
        result.append(
            _enforced(
                f"sa-{cap_provision}",
                cap_provision,
                f"Stage {stage} extensions within the Code's cap, or with a recorded good reason",
                stage_extensions,
                lambda e: not e.beyond_cap or bool(e.good_reason),
                EXTENSION_CAP_CONTROL.format(provision=cap_provision),
                f"Stage {stage} extensions agreed in {period.label}.",
            )
        )
    for stage, provision in ((1, "6.5"), (2, "6.16")):
        stage_extensions = [e for e in extensions if e.stage == stage and e.agreed_on in period]
        known = [e for e in stage_extensions if e.resident_informed_on is not None]
        unknown = [e for e in stage_extensions if e.resident_informed_on is None]
        result.append(
            _share(
                f"sa-{provision}",
                provision,
                f"Stage {stage} extensions where the resident was told before the due date",
                known,
                lambda e: e.resident_informed_on <= e.previous_due,
                _fact_ids,
                f"Stage {stage} extensions agreed in {period.label} where the resident was told "
                "(with the Ombudsman's details) on or before the date the response was due ÷ "
                "those whose date of telling the resident is known.",
            )
        )
        if unknown:
            result.append(
                Measure(
                    provision,
                    Figure(
                        key=f"sa-{provision}-unknown",
                        label=f"Stage {stage} extensions with no record of when the resident "
                        "was told (imported without it)",
                        numerator=len(unknown),
                        denominator=None,
                        value=float(len(unknown)),
                        unit="count",
                        complaint_ids=_fact_ids(unknown),
                        explanation="Not counted either way above: the date is unknown.",
                    ),
                    shortfall=False,
                )
            )
    stage_twos = [f for f in acknowledged_in(facts, period, 2) if f.has_handler]
    result.append(
        _enforced(
            "sa-6.13",
            "6.13",
            "Stage 2 considered by someone other than the stage 1 handler",
            stage_twos,
            lambda f: not f.handled_stage_one,
            SEPARATE_HANDLER_CONTROL,
            f"Stage 2 complaints acknowledged in {period.label} with a stage 2 handler.",
        )
    )
    due = remedies_due(remedies, period, today)
    result.append(
        _share(
            "sa-7.3",
            "7.3",
            "Remedies completed by the date promised",
            due,
            lambda r: r.completed_in_time,
            _fact_ids,
            f"Remedies due in {period.label} (before today) completed on or before their due "
            "date ÷ all of them.",
        )
    )
    return result


# --- annual report and MRC pack analyses ----------------------------------------------------


def tally(facts: Iterable[Row], key: Callable[[Row], str]) -> list[tuple[str, int]]:
    """Counts by a key, most common first, ties by name."""
    counts: Counter[str] = Counter()
    for f in facts:
        counts[key(f)] += f.n
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def by_month(facts: Facts, period: Period, stage: int) -> list[tuple[str, int]]:
    # One pass: each received stage counted in its calendar month (months() are whole months).
    counts: Counter[tuple[int, int]] = Counter()
    for f in received_in(facts, period, stage):
        counts[_month(f.requested_on)] += f.n
    return [(m.label, counts[_month(m.start)]) for m in months(period)]


def category_by_month(
    facts: Facts, period: Period
) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Stage 1 complaints received: one row per category, one column per month."""
    received = received_in(facts, period, 1)
    columns = months(period)
    counts: Counter[tuple[str, int, int]] = Counter()
    for f in received:
        counts[(f.category, *_month(f.requested_on))] += f.n
    rows = [
        (category, [counts[(category, *_month(m.start))] for m in columns])
        for category, _count in tally(received, lambda f: f.category)
    ]
    return [m.label for m in columns], rows


def repeat_complainants(
    facts: Facts, period: Period, minimum: int = 2
) -> list[tuple[int, tuple[int, ...]]]:
    """Residents with `minimum` or more complaints received in the period, most first."""
    received = received_by(facts, period, 1, ("resident_id",))
    by_resident: dict[int, set[int]] = {}
    for f in received:
        by_resident.setdefault(f.resident_id, set()).update(f.ids)
    repeats = [(rid, tuple(sorted(ids))) for rid, ids in by_resident.items() if len(ids) >= minimum]
    return sorted(repeats, key=lambda item: (-len(item[1]), item[0]))


def hotspots(facts: Facts, period: Period, minimum: int = 2) -> list[tuple[str, str, int]]:
    """(estate, block, complaints) with at least `minimum` stage 1 complaints in the period."""
    counts: Counter[tuple[str, str]] = Counter()
    for f in received_by(facts, period, 1, ("estate", "block")):
        if f.estate or f.block:
            counts[(f.estate, f.block)] += f.n
    rows = [(estate, block, n) for (estate, block), n in counts.items() if n >= minimum]
    return sorted(rows, key=lambda row: (-row[2], row[0], row[1]))


def remedies_due(remedies: Remedies, period: Period, today: date) -> list[Group | RemedyFact]:
    """Remedies due in the period before `today`."""
    start, end = period.start, period.end
    if isinstance(remedies, RemedyCounts):
        if today != remedies.on:
            raise ValueError("Remedies were counted as due before another day.")
        return [r for r in remedies.due if start <= r.due_on <= end and r.due_before]
    return [r for r in remedies if start <= r.due_on <= end and r.due_on < today]


def remedy_summary(remedies: Remedies, period: Period) -> tuple[list[tuple[str, int]], Decimal]:
    """Remedies offered in the period by type, and the total financial remedy offered."""
    rows = remedies.offered if isinstance(remedies, RemedyCounts) else remedies
    offered = [r for r in rows if r.offered_on in period]
    counts: Counter[str] = Counter()
    for r in offered:
        counts[r.remedy_type] += r.n
    amount = sum((r.amount for r in offered if r.amount is not None), Decimal("0"))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0])), amount
