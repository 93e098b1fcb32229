"""Assemble the figures for a report from the selectors: one function per report.

Every report function returns plain data (figures, tables, lists) that the HTML page, the PDF
and the exports render identically, so the numbers on screen and on paper are the same.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from putright.complaints.constants import Outcome
from putright.core.profile import current_profile
from putright.reporting import selectors
from putright.reporting.constants import CH02_RETURN_BASIS
from putright.reporting.figures import (
    CH02_RULE,
    COMPLIANT,
    Facts,
    Figure,
    Measure,
    Period,
    by_month,
    category_by_month,
    ch01,
    ch02,
    count_figure,
    hotspots,
    measures,
    percentage,
    previous_quarters,
    quarter,
    received_in,
    remedy_summary,
    repeat_complainants,
    reporting_year,
    responded_in,
    tally,
    total,
    without_complaints,
)
from putright.reporting.models import HomesCount, OmbudsmanOrder

OUTCOME_LABELS = dict(Outcome.choices)


@dataclass
class TsmReturn:
    year: int
    period: Period
    homes: HomesCount | None
    ch01: list[Figure]
    ch02: list[Figure]
    basis: str = CH02_RETURN_BASIS

    rule: str = CH02_RULE

    @property
    def figures(self) -> list[Figure]:
        return self.ch01 + self.ch02

    @property
    def returned(self) -> list[Figure]:
        """The CH02 figure on the return for stage 1 and stage 2, in that order."""
        return [f for f in self.ch02 if f.key.endswith(f"-{self.basis}")]


def _homes(homes: HomesCount | None) -> dict[str, int] | None:
    return {"lcra": homes.lcra_homes, "lcho": homes.lcho_homes} if homes else None


def tsm_return(year: int, *, on: date | None = None, facts: Facts | None = None) -> TsmReturn:
    period = reporting_year(year)
    facts = facts if facts is not None else selectors.stage_counts(period, on=on)
    homes = selectors.homes_for(year)
    return TsmReturn(
        year,
        period,
        homes,
        ch01(facts, year, _homes(homes)),
        ch02(facts, year, profile=current_profile()),
    )


def all_figures(year: int, *, on: date | None = None) -> dict[str, Figure]:
    """Every figure for a year by key, so any of them can be drilled into."""
    on = on or timezone.localdate()
    period = reporting_year(year)
    facts = selectors.stage_counts(period, on=on)
    result = {f.key: f for f in tsm_return(year, on=on, facts=facts).figures}
    for measure in measures(
        facts, selectors.extension_facts(period), selectors.remedy_counts(period, on=on), period, on
    ):
        result[measure.figure.key] = measure.figure
    for stage in (1, 2):
        result.update({f.key: f for f in stage_tables(facts, period, stage, f"y{year}")})
    return result


def figure(year: int, key: str, *, on: date | None = None) -> Figure | None:
    """One figure of `all_figures`, for its drill-down: only its own kind is counted (the
    TSM's, the self-assessment measures' or the stage tables'), so a TSM figure's list does not
    wait for the outcomes the stage tables need."""
    on = on or timezone.localdate()
    period = reporting_year(year)
    facts = selectors.stage_counts(period, on=on)
    if key.startswith("ch0"):
        figures = tsm_return(year, on=on, facts=facts).figures
    elif key.startswith("sa-"):
        figures = [
            m.figure
            for m in measures(
                facts,
                selectors.extension_facts(period),
                selectors.remedy_counts(period, on=on),
                period,
                on,
            )
        ]
    else:
        figures = [f for s in (1, 2) for f in stage_tables(facts, period, s, f"y{year}")]
    return next((f for f in figures if f.key == key), None)


def stage_tables(facts: Facts, period: Period, stage: int, prefix: str) -> list[Figure]:
    """Volumes, outcomes and extensions for one stage in a period, as drillable figures."""
    received = received_in(facts, period, stage)
    answered = responded_in(facts, period, stage, details=True)
    figures = [
        count_figure(
            f"{prefix}-s{stage}-received",
            f"Stage {stage} complaints received",
            received,
            f"Stage {stage} requested in {period.label}, refusals not counted.",
        ),
        count_figure(
            f"{prefix}-s{stage}-responded",
            f"Stage {stage} responses issued",
            answered,
            f"Stage {stage} responses issued in {period.label}.",
        ),
        count_figure(
            f"{prefix}-s{stage}-extended",
            f"Stage {stage} responses after an extension",
            [f for f in answered if f.extended],
            f"Stage {stage} responses in {period.label} whose deadline was extended.",
        ),
    ]
    for code, label in Outcome.choices:
        figures.append(
            count_figure(
                f"{prefix}-s{stage}-{code}",
                f"Stage {stage} {label.lower()}",
                [f for f in answered if f.outcome == code],
                f"Stage {stage} responses in {period.label} where the overall decision was "
                f"{label.lower()} (partly: some points upheld, some not).",
            )
        )
    if stage == 1:
        figures.append(
            count_figure(
                f"{prefix}-s1-early",
                "Resolved early at stage 1",
                [f for f in answered if f.early_resolution],
                "Stage 1 responses recorded as early resolution (a stage 1 outcome, Code 5.3).",
            )
        )
    return figures


def order_state(order: OmbudsmanOrder, on: date, at: str = "") -> str:
    """What a report says about an Ombudsman order: complied (when), overdue (by how many
    days) or not yet due. Never a bare "Not yet" for an order past its date. ``on`` is the day
    counted to; ``at`` names it when it is not today (" at year end")."""
    if order.completed_on is not None:
        late = (order.completed_on - order.due_on).days
        suffix = f" ({late} day{'s' if late != 1 else ''} late)" if late > 0 else ""
        return f"Complied {order.completed_on:%-d %b %Y}{suffix}"
    if order.due_on < on:
        days = (on - order.due_on).days
        return f"Overdue by {days} day{'s' if days != 1 else ''}{at}"
    return f"Not yet due{at}"


def _with_state(
    orders: list[OmbudsmanOrder], on: date, period: Period, end: str
) -> list[OmbudsmanOrder]:
    """A report of a period that has ended counts an open order's lateness to the period's
    last day ("at year end"), so the figure does not grow each day the report is read again;
    the report of the period still running counts to today."""
    if on >= period.end:
        on, at = period.end, f" at {end} end"
    else:
        at = ""
    for order in orders:
        order.state = order_state(order, on, at)  # type: ignore[attr-defined]
    return orders


def to_date_label(period: Period, on: date) -> str:
    """A period not over yet is labelled as such, so part-year figures are not read as whole."""
    if period.start <= on < period.end:
        return f"{period.label} to date ({on:%-d %b %Y})"
    return period.label


@dataclass(frozen=True)
class ExceptionalEffect:
    """A period of exceptional circumstances in a report, and the figures with and without
    the complaints it affected (Code 8.5: nothing hidden, both shown)."""

    periods: list
    affected: int
    timeliness: list[tuple[int, str, str]]  # stage, all responses, leaving out those affected


def _on_time_text(facts: Facts, period: Period, stage: int) -> str:
    """Responses in the period within the Code's timescales, as "x% (n of m)"."""
    answered = responded_in(facts, period, stage)
    within = total(f for f in answered if f.response_timeliness in COMPLIANT)
    share = percentage(within, total(answered))
    return "none" if share is None else f"{share:.1f}% ({within} of {total(answered)})"


def exceptional_effect(facts: Facts, period: Period) -> ExceptionalEffect:
    periods, affected_ids = selectors.exceptional_periods_during(period)
    if not periods:
        return ExceptionalEffect([], 0, [])
    without = without_complaints(facts, affected_ids)
    return ExceptionalEffect(
        periods,
        len(affected_ids),
        [
            (stage, _on_time_text(facts, period, stage), _on_time_text(without, period, stage))
            for stage in (1, 2)
        ],
    )


@dataclass
class AnnualReport:
    """The annual complaints performance and service improvement report (Code 8.1 a-f, 8.2)."""

    year: int
    period: Period
    previous: Period
    tsm: TsmReturn
    previous_tsm: TsmReturn
    stages: dict[int, dict[str, Figure]]
    previous_stages: dict[int, dict[str, Figure]]
    categories: list[tuple[str, int, int]]  # category, this year, last year
    monthly: list[tuple[str, int, int]]  # month, stage 1, stage 2
    refusals: list[tuple[str, int]]
    remedies: list[tuple[str, int]]
    compensation: Decimal
    findings: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    improvements: list = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    note: object = None
    assessment: object = None
    on: date | None = None
    code_findings: list = field(default_factory=list)
    exceptional: ExceptionalEffect | None = None
    member_responsible: object = None

    @property
    def period_label(self) -> str:
        """This year's label, "to date" while the year is not over."""
        return to_date_label(self.period, self.on) if self.on else self.period.label


def _by_key(figures: list[Figure], prefix: str, stage: int) -> dict[str, Figure]:
    start = f"{prefix}-s{stage}-"
    return {f.key.removeprefix(start): f for f in figures}


def annual_report(year: int, *, on: date | None = None) -> AnnualReport:
    on = on or timezone.localdate()
    period, previous = reporting_year(year), reporting_year(year - 1)
    both = Period(previous.start, period.end, f"{previous.label}-{period.label}")
    facts = selectors.stage_counts(both, on=on)
    remedies = selectors.remedy_counts(period, on=on)
    profile = current_profile()
    grounds = {g.code: g.label for g in profile.exclusion_grounds}
    remedy_labels = {r.code: r.label for r in profile.remedy_types}
    this_cats = dict(tally(received_in(facts, period, 1), lambda f: f.category))
    last_cats = dict(tally(received_in(facts, previous, 1), lambda f: f.category))
    categories = sorted(
        ((c, this_cats.get(c, 0), last_cats.get(c, 0)) for c in set(this_cats) | set(last_cats)),
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    s1, s2 = by_month(facts, period, 1), by_month(facts, period, 2)
    remedy_counts, total = remedy_summary(remedies, period)
    return AnnualReport(
        year=year,
        period=period,
        previous=previous,
        tsm=tsm_return(year, on=on, facts=facts),
        previous_tsm=tsm_return(year - 1, on=on, facts=facts),
        stages={
            s: _by_key(stage_tables(facts, period, s, f"y{year}"), f"y{year}", s) for s in (1, 2)
        },
        previous_stages={
            s: _by_key(stage_tables(facts, previous, s, f"y{year - 1}"), f"y{year - 1}", s)
            for s in (1, 2)
        },
        categories=categories,
        monthly=[(label, n1, n2) for (label, n1), (_l, n2) in zip(s1, s2, strict=True)],
        refusals=[(grounds.get(code, code), n) for code, n in selectors.exclusions_in(period)],
        remedies=[(remedy_labels.get(code, code), n) for code, n in remedy_counts],
        compensation=total,
        findings=list(selectors.findings_in(period)),
        code_findings=list(selectors.code_findings_in(period)),
        orders=_with_state(list(selectors.orders_open_or_due(period)), on, period, "year"),
        improvements=list(selectors.improvements(period)),
        measures=measures(
            facts,
            selectors.extension_facts(period),
            remedies,
            period,
            on,
        ),
        note=selectors.annual_note(year),
        assessment=selectors.latest_approved_assessment(year),
        on=on,
        exceptional=exceptional_effect(facts, period),
        member_responsible=selectors.member_responsible(),
    )


@dataclass
class QuarterColumn:
    period: Period
    received: dict[int, int]
    responded: dict[int, int]
    on_time: dict[int, float | None]
    outcomes: dict[str, int]
    label: str = ""


@dataclass
class MrcPack:
    """Quarterly information for the governing body and its MRC (Code 9.6-9.7)."""

    year: int
    number: int
    period: Period
    columns: list[QuarterColumn]  # three previous quarters then this one
    categories: list[tuple[str, int]]
    months: list[str]
    category_months: list[tuple[str, list[int]]]
    repeats: list[tuple[object, tuple[int, ...]]]
    hotspots: list[tuple[str, str, int]]
    referrals: list
    orders: list
    improvements: list
    member_responsible: object = None
    exceptional: ExceptionalEffect | None = None


def _column(facts: Facts, period: Period, on: date | None = None) -> QuarterColumn:
    received = {s: total(received_in(facts, period, s)) for s in (1, 2)}
    answered = {s: responded_in(facts, period, s) for s in (1, 2)}
    on_time = {
        s: percentage(
            total(f for f in answered[s] if f.response_timeliness in COMPLIANT),
            total(answered[s]),
        )
        for s in (1, 2)
    }
    outcomes = dict(
        tally(
            responded_in(facts, period, 1, details=True)
            + responded_in(facts, period, 2, details=True),
            lambda f: f.outcome,
        )
    )
    return QuarterColumn(
        period,
        received,
        {s: total(answered[s]) for s in (1, 2)},
        on_time,
        outcomes,
        to_date_label(period, on) if on else period.label,
    )


def themes(facts: Facts, period: Period) -> dict:
    """Quarterly themes: category × month, repeat complainants, hotspots by estate/block."""
    month_labels, rows = category_by_month(facts, period)
    repeats = repeat_complainants(facts, period)
    # Only the most frequent are listed by name; the rest are counted.
    residents = selectors.residents_named([rid for rid, _ in repeats[:50]])
    return {
        "months": month_labels,
        "category_months": rows,
        "repeats": [(residents.get(rid, f"Resident {rid}"), ids) for rid, ids in repeats],
        "hotspots": hotspots(facts, period),
    }


def mrc_pack(year: int, number: int, *, on: date | None = None) -> MrcPack:
    on = on or timezone.localdate()
    period = quarter(year, number)
    earlier = previous_quarters(year, number, 3)
    span = Period(earlier[0].start, period.end, "")
    facts = selectors.stage_counts(span, on=on)
    theme = themes(facts, period)
    return MrcPack(
        year=year,
        number=number,
        period=period,
        columns=[_column(facts, p, on) for p in [*earlier, period]],
        categories=tally(received_in(facts, period, 1), lambda f: f.category),
        months=theme["months"],
        category_months=theme["category_months"],
        repeats=theme["repeats"],
        hotspots=theme["hotspots"],
        referrals=list(selectors.referrals_during(period)),
        orders=_with_state(list(selectors.orders_open_or_due(period)), on, period, "quarter"),
        improvements=list(selectors.improvements(period)),
        member_responsible=selectors.member_responsible(),
        exceptional=exceptional_effect(facts, period),
    )
