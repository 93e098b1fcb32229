"""Awaab's Law as data: the HHSRS hazards, the phases that bring them in, and the hazard clocks.

Source: the Hazards in Social Housing (Prescribed Requirements) (England) Regulations 2025
(made under section 10A of the Landlord and Tenant Act 1985, inserted by section 42 of the
Social Housing (Regulation) Act 2023), in force 27 October 2025, and the government's
"Awaab's Law: guidance for social landlords" (GOV.UK, draft published 25 June 2025).

What was checked, and against what (December 2026; see docs/provisions.md, "Awaab's Law"):
the title, the commencement date, the timescales below, the emergency / significant
definitions (every HHSRS hazard but crowding and space as an emergency; damp and mould as
significant in phase 1), the stop conditions and the hazards announced for 2026 and 2027 agree
across the government's draft guidance, the Housing Ombudsman's "guidance on complaints
involving hazards" and several legal summaries of the Regulations. The *text* of the
Regulations (legislation.gov.uk) could not be reached. ``CITATIONS`` gives, for each clock, the
regulation number where a retrieved secondary source states one, names that source, and keeps
``verified=False`` until someone reads the number in the Regulations themselves; where no
retrieved source gave a number it is ``None``. The definition of "working day" used by the
Regulations is not verified either. Verify before relying on a number in a legal argument.

Like the Code profile, this is frozen data: widening the significant hazards is a new ``Phase``.
No Django here; the calendar and "now" are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from putright.rules.calendar import CalendarHistory, add_working_days, working_days_between

__all__ = [
    "CITATIONS",
    "CLOCK_LABELS",
    "DUE_SOON_HOURS",
    "DUE_SOON_WORKING_DAYS",
    "EMERGENCY_HOURS",
    "FURTHER_WORK_BEGIN_LIMIT",
    "FURTHER_WORK_START_WEEKS",
    "HAZARDS",
    "INSTRUMENT",
    "PHASES",
    "SAFETY_WORK_LIMIT",
    "SIGNIFICANT_INVESTIGATION_LIMIT",
    "STATUS_LABELS",
    "STOP_CITATION",
    "SUMMARY_LIMIT",
    "VULNERABILITY_PROMPT",
    "Assessment",
    "Citation",
    "Clock",
    "ClockKey",
    "ClockStatus",
    "Hazard",
    "HazardFacts",
    "Phase",
    "assessment_refusal",
    "clocks",
    "get_hazard",
    "is_emergency_hazard",
    "is_significant_hazard",
    "phase_on",
    "vulnerability_prompt",
]

# --- Timescales -------------------------------------------------------------------------------
EMERGENCY_HOURS = 24  # real hours from becoming aware: investigate and make safe (Regs 2025)
SIGNIFICANT_INVESTIGATION_LIMIT = 10  # working days from becoming aware (Regs 2025)
SUMMARY_LIMIT = 3  # working days from the investigation concluding: written summary (Regs 2025)
SAFETY_WORK_LIMIT = 5  # working days from the investigation concluding (Regs 2025)
FURTHER_WORK_BEGIN_LIMIT = 5  # working days from the investigation: begin further work (Regs 2025)
FURTHER_WORK_START_WEEKS = 12  # weeks from the investigation: physically start (Regs 2025)
DUE_SOON_HOURS = 6  # a 24-hour clock shows "due soon" in its last 6 hours (PutRight's choice)
DUE_SOON_WORKING_DAYS = 2  # a working-day clock shows "due soon" 2 days out (PutRight's choice)


@dataclass(frozen=True)
class Hazard:
    """One of the 29 HHSRS hazards (Housing Health and Safety Rating System (England)
    Regulations 2005, Schedule 1), in its HHSRS group."""

    number: int
    code: str
    label: str
    group: str


_HYGROTHERMAL = "Hygrothermal conditions"
_POLLUTANTS = "Pollutants (non-microbial)"
_SPACE = "Space, security, light and noise"
_HYGIENE = "Hygiene, sanitation and water supply"
_FALLS = "Falls"
_FIRE = "Electric shocks, fires, burns and scalds"
_COLLISIONS = "Collisions, cuts and strains"

HAZARDS: tuple[Hazard, ...] = (
    Hazard(1, "damp_mould", "Damp and mould growth", _HYGROTHERMAL),
    Hazard(2, "excess_cold", "Excess cold", _HYGROTHERMAL),
    Hazard(3, "excess_heat", "Excess heat", _HYGROTHERMAL),
    Hazard(4, "asbestos", "Asbestos and manufactured mineral fibres", _POLLUTANTS),
    Hazard(5, "biocides", "Biocides", _POLLUTANTS),
    Hazard(6, "carbon_monoxide", "Carbon monoxide and fuel combustion products", _POLLUTANTS),
    Hazard(7, "lead", "Lead", _POLLUTANTS),
    Hazard(8, "radiation", "Radiation", _POLLUTANTS),
    Hazard(9, "uncombusted_gas", "Uncombusted fuel gas", _POLLUTANTS),
    Hazard(10, "vocs", "Volatile organic compounds", _POLLUTANTS),
    Hazard(11, "crowding_space", "Crowding and space", _SPACE),
    Hazard(12, "intruders", "Entry by intruders", _SPACE),
    Hazard(13, "lighting", "Lighting", _SPACE),
    Hazard(14, "noise", "Noise", _SPACE),
    Hazard(15, "domestic_hygiene", "Domestic hygiene, pests and refuse", _HYGIENE),
    Hazard(16, "food_safety", "Food safety", _HYGIENE),
    Hazard(17, "personal_hygiene", "Personal hygiene, sanitation and drainage", _HYGIENE),
    Hazard(18, "water_supply", "Water supply", _HYGIENE),
    Hazard(19, "falls_baths", "Falls associated with baths etc.", _FALLS),
    Hazard(20, "falls_level", "Falling on level surfaces etc.", _FALLS),
    Hazard(21, "falls_stairs", "Falling on stairs etc.", _FALLS),
    Hazard(22, "falls_between_levels", "Falling between levels", _FALLS),
    Hazard(23, "electrical", "Electrical hazards", _FIRE),
    Hazard(24, "fire", "Fire", _FIRE),
    Hazard(25, "flames_hot_surfaces", "Flames, hot surfaces etc.", _FIRE),
    Hazard(26, "collision_entrapment", "Collision and entrapment", _COLLISIONS),
    Hazard(27, "explosions", "Explosions", _COLLISIONS),
    Hazard(28, "amenities", "Position and operability of amenities etc.", _COLLISIONS),
    Hazard(29, "structural_collapse", "Structural collapse and falling elements", _COLLISIONS),
)
_BY_CODE = {hazard.code: hazard for hazard in HAZARDS}
_ALL_CODES = frozenset(_BY_CODE)


def get_hazard(code: str) -> Hazard:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"{code!r} is not an HHSRS hazard.") from None


@dataclass(frozen=True)
class Phase:
    """Which hazards the duties cover from a start date.

    ``confirmed`` is False for phases announced by government but whose Regulations PutRight
    has not verified: such a phase never applies until someone checks it and flips the flag
    (a data change), so PutRight never runs a legal clock on a guess.
    """

    name: str
    starts: date
    emergency: frozenset[str]
    significant: frozenset[str]
    confirmed: bool
    source: str


# Emergency hazards: every HHSRS hazard except crowding and space (Regs 2025, definition of
# "relevant hazard" for emergencies).
_EMERGENCY = _ALL_CODES - {"crowding_space"}

PHASES: tuple[Phase, ...] = (
    Phase(
        name="Phase 1",
        starts=date(2025, 10, 27),  # commencement of the Regulations
        emergency=_EMERGENCY,
        significant=frozenset({"damp_mould"}),
        confirmed=True,
        source="Hazards in Social Housing (Prescribed Requirements) (England) Regulations 2025",
    ),
    Phase(
        # Announced in the government's implementation roadmap as "2026"; the day is a
        # placeholder. Announced, verify: not applied until confirmed.
        name="Phase 2 (announced, verify)",
        starts=date(2026, 10, 27),
        emergency=_EMERGENCY,
        significant=frozenset(
            {
                "damp_mould",
                "excess_cold",
                "excess_heat",
                "falls_baths",
                "falls_level",
                "falls_stairs",
                "falls_between_levels",
                "structural_collapse",
                "explosions",
                "fire",
                "electrical",
                "domestic_hygiene",
                "personal_hygiene",
                "food_safety",
            }
        ),
        confirmed=False,
        # The draft guidance (25 June 2025) lists for 2026: excess cold and heat; falls
        # (baths, level surfaces, stairs, between levels); structural collapse and explosions;
        # fire and electrical hazards; "domestic and personal hygiene and food safety".
        source="Awaab's Law: draft guidance for social landlords, 25 June 2025 (announced)",
    ),
    Phase(
        # "2027: the remaining HHSRS hazards except crowding". Announced, verify.
        name="Phase 3 (announced, verify)",
        starts=date(2027, 10, 27),
        emergency=_EMERGENCY,
        significant=_ALL_CODES - {"crowding_space"},
        confirmed=False,
        source="Awaab's Law: draft guidance for social landlords, 25 June 2025 (announced)",
    ),
)


def phase_on(day: date, *, phases: tuple[Phase, ...] = PHASES) -> Phase | None:
    """The confirmed phase in force on `day` (None before the Regulations came in)."""
    current: Phase | None = None
    for phase in phases:
        if (
            phase.confirmed
            and phase.starts <= day
            and (current is None or phase.starts >= current.starts)
        ):
            current = phase
    return current


def is_emergency_hazard(code: str, day: date, *, phases: tuple[Phase, ...] = PHASES) -> bool:
    phase = phase_on(day, phases=phases)
    return phase is not None and code in phase.emergency


def is_significant_hazard(code: str, day: date, *, phases: tuple[Phase, ...] = PHASES) -> bool:
    phase = phase_on(day, phases=phases)
    return phase is not None and code in phase.significant


def assessment_refusal(
    code: str, assessment: str, day: date, *, phases: tuple[Phase, ...] = PHASES
) -> str | None:
    """Why the Regulations in force on `day` do not allow `assessment` of hazard `code`, or
    None. The phase data decides: an emergency is any hazard of the phase's emergency list
    (every hazard but crowding and space); a significant hazard only one of its significant
    list (phase 1: damp and mould). "Not" is always allowed (no Awaab's Law clocks run)."""
    if assessment not in (Assessment.EMERGENCY, Assessment.SIGNIFICANT):
        return None
    label = get_hazard(code).label
    phase = phase_on(day, phases=phases)
    if phase is None:
        first = min(p.starts for p in phases if p.confirmed)
        return (
            f"Awaab's Law applies to hazards the landlord became aware of from "
            f"{first.day} {first:%B %Y}: assess this one as neither (no clocks)."
        )
    if assessment == Assessment.EMERGENCY and code not in phase.emergency:
        return f"{label} cannot be an emergency hazard under Awaab's Law."
    if assessment == Assessment.SIGNIFICANT and code not in phase.significant:
        allowed = ", ".join(
            sorted(_BY_CODE[c].label.lower() for c in phase.significant if c in _BY_CODE)
        )
        return (
            f"{label} cannot be a significant hazard under {phase.name} of Awaab's Law "
            f"(only {allowed}): assess it as an emergency, or as neither."
        )
    return None


# --- Clocks -----------------------------------------------------------------------------------
class Assessment(StrEnum):
    """The landlord's initial view of the risk."""

    EMERGENCY = "emergency"
    SIGNIFICANT = "significant"
    NOT = "not"


class ClockKey(StrEnum):
    EMERGENCY_INVESTIGATION = "emergency_investigation"
    EMERGENCY_SAFETY = "emergency_safety"
    INVESTIGATION = "investigation"
    SUMMARY = "summary"
    SAFETY_WORK = "safety_work"
    FURTHER_WORK_BEGIN = "further_work_begin"
    FURTHER_WORK_START = "further_work_start"
    # Not a timescale of its own: the duty that arises when the home was not made safe in time.
    ALTERNATIVE_ACCOMMODATION = "alternative_accommodation"


CLOCK_LABELS: dict[ClockKey, str] = {
    ClockKey.EMERGENCY_INVESTIGATION: "Investigate the emergency hazard (24 hours)",
    ClockKey.EMERGENCY_SAFETY: "Make safe: emergency safety work (24 hours)",
    ClockKey.INVESTIGATION: "Investigate the significant hazard (10 working days)",
    ClockKey.SUMMARY: "Written summary to the resident (3 working days)",
    ClockKey.SAFETY_WORK: "Safety work (5 working days)",
    ClockKey.FURTHER_WORK_BEGIN: "Begin further work (5 working days)",
    ClockKey.FURTHER_WORK_START: "Physically start further work (12 weeks)",
    ClockKey.ALTERNATIVE_ACCOMMODATION: (
        "Offer suitable alternative accommodation (not made safe in time)"
    ),
}


# --- Where each duty comes from ---------------------------------------------------------------
INSTRUMENT = (
    "The Hazards in Social Housing (Prescribed Requirements) (England) Regulations 2025 "
    "(S.I. 2025/1042)"
)


@dataclass(frozen=True)
class Citation:
    """Where a clock's duty comes from.

    ``regulation`` is the regulation of ``INSTRUMENT`` as a retrieved ``source`` states it, or
    None where no retrieved source gave one. ``verified`` is True only once someone has read
    the number in the text of the Regulations (legislation.gov.uk); nothing here is, yet.
    """

    duty: str
    regulation: str | None
    source: str
    verified: bool = False

    @property
    def instrument(self) -> str:
        return INSTRUMENT


# Sources retrieved (December 2026), none of them the Regulations' own text:
_TIMESCALES_GUIDE = (
    "awaabslawguide.co.uk, 'Awaab's Law statutory deadlines explained' (secondary source: "
    "states Reg 6, Reg 9 and Reg 11(2)(a) of S.I. 2025/1042)"
)
_DRAFT_GUIDANCE = (
    "GOV.UK, 'Awaab's Law: draft guidance for social landlords' (25 June 2025), and Bevan "
    "Brittan's summary of it (30 June 2025); no regulation number given"
)

CITATIONS: dict[ClockKey, Citation] = {
    ClockKey.EMERGENCY_INVESTIGATION: Citation(
        "Investigate a potential emergency hazard within 24 hours of becoming aware",
        None,
        _DRAFT_GUIDANCE,
    ),
    ClockKey.EMERGENCY_SAFETY: Citation(
        "Relevant safety work on an emergency hazard within 24 hours of becoming aware",
        None,
        _DRAFT_GUIDANCE,
    ),
    ClockKey.INVESTIGATION: Citation(
        "Investigate a potential significant hazard within 10 working days of becoming aware",
        "6",
        _TIMESCALES_GUIDE,
    ),
    ClockKey.SUMMARY: Citation(
        "Written summary of the investigation within 3 working days of it concluding",
        "9",
        _TIMESCALES_GUIDE,
    ),
    ClockKey.SAFETY_WORK: Citation(
        "Relevant safety work on a significant hazard within 5 working days of the "
        "investigation concluding",
        "11(2)(a)",
        _TIMESCALES_GUIDE,
    ),
    ClockKey.FURTHER_WORK_BEGIN: Citation(
        "Begin, or take steps to begin, further (supplementary preventative) work within 5 "
        "working days of the investigation concluding, where it found a significant or "
        "emergency hazard",
        None,
        _DRAFT_GUIDANCE,
    ),
    ClockKey.FURTHER_WORK_START: Citation(
        "Physically start further work within 12 weeks", None, _DRAFT_GUIDANCE
    ),
    ClockKey.ALTERNATIVE_ACCOMMODATION: Citation(
        "Secure suitable alternative accommodation, at the landlord's expense, if the "
        "relevant safety work cannot be done within its timescale",
        None,
        _DRAFT_GUIDANCE,
    ),
}
STOP_CITATION = Citation(
    "Timescales do not run while the household is in alternative accommodation, where "
    "consent could not be obtained after all reasonable steps, or once a further "
    "investigation finds no hazard or that the work is not required",
    None,
    "Cobb Warren, 'Awaab's Law - Coming on 27 October 2025' (9 July 2025: the 24-hour "
    "deadline ceases on a decant, on consent not obtained after all reasonable steps, or on "
    "a further investigation finding no hazard), and the Housing Ombudsman's 'guidance on "
    "complaints involving hazards'; no regulation number given",
)


class ClockStatus(StrEnum):
    WAITING = "waiting"  # its start has not happened yet (e.g. the investigation)
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"
    STOPPED = "stopped"  # a stop condition applied before it was due


STATUS_LABELS: dict[ClockStatus, str] = {
    ClockStatus.WAITING: "Waiting",
    ClockStatus.ON_TRACK: "On track",
    ClockStatus.DUE_SOON: "Due soon",
    ClockStatus.OVERDUE: "Overdue",
    ClockStatus.MET: "Met",
    ClockStatus.MISSED: "Missed",
    ClockStatus.STOPPED: "Stopped",
}


@dataclass(frozen=True)
class HazardFacts:
    """What has happened on one hazard report. Datetimes are timezone-aware; dates are the
    landlord's local dates (the working-day clocks count local days)."""

    aware_at: datetime
    assessment: Assessment
    investigation_concluded_at: datetime | None = None
    hazard_found: bool | None = None
    summary_sent_on: date | None = None
    safety_work_done_at: datetime | None = None
    further_work_needed: bool = False
    further_work_begun_on: date | None = None
    further_work_started_on: date | None = None
    # Stop conditions (Regs 2025): the household decanted to suitable alternative accommodation;
    # consent needed for the work refused after all reasonable steps to obtain it.
    decanted_at: datetime | None = None
    consent_refused_at: datetime | None = None
    # A further investigation found no hazard, or that the work is not required.
    cleared_at: datetime | None = None
    # Suitable alternative accommodation offered (whatever the answer).
    accommodation_offered: bool = False


@dataclass(frozen=True)
class Clock:
    """One clock at one moment: due by a moment (24-hour clocks) or a local date (working days)."""

    key: ClockKey
    label: str
    status: ClockStatus
    due_at: datetime | None
    due_on: date | None
    done: datetime | date | None
    hours_left: float | None
    working_days_left: int | None
    words: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def citation(self) -> Citation:
        return CITATIONS[self.key]


@dataclass(frozen=True)
class _Stop:
    at: datetime
    words: str


def _stop(facts: HazardFacts) -> _Stop | None:
    """The first stop condition that applied, and the words a stopped clock shows for it."""
    stops = [
        _Stop(moment, words)
        for moment, words in (
            (facts.decanted_at, "Stopped: the household was decanted."),
            (facts.consent_refused_at, "Stopped: consent refused after all reasonable steps."),
            (
                facts.cleared_at,
                "Stopped: a further investigation found no hazard, or no work needed.",
            ),
        )
        if moment is not None
    ]
    return min(stops, key=lambda stop: stop.at) if stops else None


def _hours_clock(
    key: ClockKey,
    *,
    due_at: datetime,
    done_at: datetime | None,
    stop: _Stop | None,
    now: datetime,
) -> Clock:
    label = CLOCK_LABELS[key]
    if done_at is not None:
        met = done_at <= due_at
        status = ClockStatus.MET if met else ClockStatus.MISSED
        words = "Done in time." if met else "Done late."
        return Clock(key, label, status, due_at, None, done_at, None, None, words)
    if stop is not None and stop.at <= due_at:
        return Clock(key, label, ClockStatus.STOPPED, due_at, None, None, None, None, stop.words)
    hours = round((due_at - now).total_seconds() / 3600, 1)
    if hours < 0:
        words = f"Overdue by {_hours(-hours)}."
        return Clock(key, label, ClockStatus.OVERDUE, due_at, None, None, hours, None, words)
    status = ClockStatus.DUE_SOON if hours <= DUE_SOON_HOURS else ClockStatus.ON_TRACK
    return Clock(key, label, status, due_at, None, None, hours, None, f"{_hours(hours)} left.")


def _hours(value: float) -> str:
    return "1 hour" if value == 1 else f"{value:g} hours"


def _days(value: int, unit: str = "working day") -> str:
    return f"1 {unit}" if value == 1 else f"{value} {unit}s"


def _settled_on(done_on: date | None, stop: _Stop | None, today: date) -> date:
    """The day a clock's result settled: done, stopped, or (still running) today. One rule
    with the Code's clocks (``rules.clocks``): a due date is counted with the landlord's
    calendar as it stood that day, so a closure decided later never moves a settled clock."""
    if done_on is not None:
        return done_on
    if stop is not None:
        return min(stop.at.date(), today)
    return today


def _day_clock(
    key: ClockKey,
    *,
    starts: date,
    limit: int,
    done_on: date | None,
    stop: _Stop | None,
    today: date,
    history: CalendarHistory,
) -> Clock:
    label = CLOCK_LABELS[key]
    calendar = history.as_of(_settled_on(done_on, stop, today))
    due_on = add_working_days(starts, limit, calendar=calendar)
    if done_on is not None:
        met = done_on <= due_on
        status = ClockStatus.MET if met else ClockStatus.MISSED
        words = "Done in time." if met else "Done late."
        return Clock(key, label, status, None, due_on, done_on, None, None, words)
    if stop is not None and stop.at.date() <= due_on:
        return Clock(key, label, ClockStatus.STOPPED, None, due_on, None, None, None, stop.words)
    left = working_days_between(today, due_on, calendar=history.as_of(today))
    if today > due_on:
        words = f"Overdue by {_days(-left)}."
        return Clock(key, label, ClockStatus.OVERDUE, None, due_on, None, None, left, words)
    status = ClockStatus.DUE_SOON if left <= DUE_SOON_WORKING_DAYS else ClockStatus.ON_TRACK
    words = "Due today." if left == 0 else f"{_days(left)} left."
    return Clock(key, label, status, None, due_on, None, None, left, words)


def _waiting(key: ClockKey, words: str) -> Clock:
    return Clock(key, CLOCK_LABELS[key], ClockStatus.WAITING, None, None, None, None, None, words)


_NOT_SAFE_IN_TIME = frozenset({ClockStatus.OVERDUE, ClockStatus.MISSED})


def _accommodation_clock(safety: Clock, facts: HazardFacts) -> Clock | None:
    """The duty to secure suitable alternative accommodation, once the home was not made safe
    within its timescale (the safety clock overdue, or done late); a decant or consent refused
    in time stops the safety clock, so no such duty shows. Met once accommodation was offered,
    whatever the household's answer."""
    if safety.status not in _NOT_SAFE_IN_TIME:
        return None
    key = ClockKey.ALTERNATIVE_ACCOMMODATION
    label = CLOCK_LABELS[key]
    if facts.accommodation_offered:
        status, words = ClockStatus.MET, "Offered."
    elif safety.status == ClockStatus.OVERDUE:
        status = ClockStatus.OVERDUE
        words = "The home was not made safe in time: offer suitable alternative accommodation."
    else:
        status, words = ClockStatus.MISSED, "Not offered while the home was unsafe."
    return Clock(key, label, status, safety.due_at, safety.due_on, None, None, None, words)


def _further_work_clocks(
    facts: HazardFacts,
    *,
    concluded_on: date,
    stop: _Stop | None,
    today: date,
    history: CalendarHistory,
) -> list[Clock]:
    """Begin further work within 5 working days of the investigation concluding, and
    physically start it within 12 weeks: where the investigation found a significant or an
    emergency hazard and further work is needed."""
    if not (facts.hazard_found and facts.further_work_needed):
        return []
    begin = _day_clock(
        ClockKey.FURTHER_WORK_BEGIN,
        starts=concluded_on,
        limit=FURTHER_WORK_BEGIN_LIMIT,
        done_on=facts.further_work_begun_on,
        stop=stop,
        today=today,
        history=history,
    )
    start_due = concluded_on + timedelta(weeks=FURTHER_WORK_START_WEEKS)
    started = facts.further_work_started_on
    if started is not None:
        status = ClockStatus.MET if started <= start_due else ClockStatus.MISSED
        words = "Done in time." if status == ClockStatus.MET else "Done late."
    elif stop is not None and stop.at.date() <= start_due:
        status, words = ClockStatus.STOPPED, stop.words
    else:
        days = (start_due - today).days
        if days < 0:
            status, words = ClockStatus.OVERDUE, f"Overdue by {_days(-days, 'day')}."
        else:
            status, words = ClockStatus.ON_TRACK, f"{_days(days, 'day')} left."
    start = Clock(
        ClockKey.FURTHER_WORK_START,
        CLOCK_LABELS[ClockKey.FURTHER_WORK_START],
        status,
        None,
        start_due,
        started,
        None,
        None,
        words,
    )
    return [begin, start]


def clocks(
    facts: HazardFacts, *, now: datetime, today: date, history: CalendarHistory
) -> tuple[Clock, ...]:
    """Every clock that applies to the report, in the order the duties arise.

    `now` is aware; `today` is the local date of `now` (passed in so the rules never guess the
    time zone). `history` is the landlord's calendar in time: each working-day clock counts
    with the calendar as it stood on the day its result settled (see ``_settled_on``). An
    assessment of "not" a hazard runs no clocks.
    """
    stop = _stop(facts)
    concluded = facts.investigation_concluded_at
    result: list[Clock] = []
    if facts.assessment == Assessment.EMERGENCY:
        # Real hours, weekends and bank holidays included.
        due_at = facts.aware_at + timedelta(hours=EMERGENCY_HOURS)
        result.append(
            _hours_clock(
                ClockKey.EMERGENCY_INVESTIGATION,
                due_at=due_at,
                done_at=concluded,
                stop=None,
                now=now,
            )
        )
        if facts.hazard_found is False:
            return tuple(result)
        safety = _hours_clock(
            ClockKey.EMERGENCY_SAFETY,
            due_at=due_at,
            done_at=facts.safety_work_done_at,
            stop=stop,
            now=now,
        )
        result.append(safety)
        if (accommodation := _accommodation_clock(safety, facts)) is not None:
            result.append(accommodation)
        if concluded is not None:
            result.extend(
                _further_work_clocks(
                    facts, concluded_on=concluded.date(), stop=stop, today=today, history=history
                )
            )
        return tuple(result)
    if facts.assessment != Assessment.SIGNIFICANT:
        return ()
    aware_on = facts.aware_at.date()
    result.append(
        _day_clock(
            ClockKey.INVESTIGATION,
            starts=aware_on,
            limit=SIGNIFICANT_INVESTIGATION_LIMIT,
            done_on=concluded.date() if concluded else None,
            stop=None,
            today=today,
            history=history,
        )
    )
    if concluded is None:
        result.append(_waiting(ClockKey.SUMMARY, "Starts when the investigation concludes."))
        return tuple(result)
    concluded_on = concluded.date()
    result.append(
        _day_clock(
            ClockKey.SUMMARY,
            starts=concluded_on,
            limit=SUMMARY_LIMIT,
            done_on=facts.summary_sent_on,
            stop=None,
            today=today,
            history=history,
        )
    )
    if not facts.hazard_found:
        return tuple(result)
    safety = _day_clock(
        ClockKey.SAFETY_WORK,
        starts=concluded_on,
        limit=SAFETY_WORK_LIMIT,
        done_on=facts.safety_work_done_at.date() if facts.safety_work_done_at else None,
        stop=stop,
        today=today,
        history=history,
    )
    result.append(safety)
    if (accommodation := _accommodation_clock(safety, facts)) is not None:
        result.append(accommodation)
    result.extend(
        _further_work_clocks(
            facts, concluded_on=concluded_on, stop=stop, today=today, history=history
        )
    )
    return tuple(result)


# --- Vulnerable occupiers ---------------------------------------------------------------------
# The occupiers' vulnerabilities (children, old age, a health condition) raise the risk a
# hazard poses (issue 20; HHSRS rates a hazard by its effect on the most vulnerable). A report
# that records them but is assessed as significant, or as neither, prompts the person to
# consider the emergency assessment: a prompt, never a refusal (PutRight's choice; the
# assessment stays the landlord's judgement).
_NO_VULNERABILITY = frozenset(
    {"", "-", "no", "none", "nil", "n/a", "na", "none known", "no vulnerabilities"}
)
_ASSESSED_AS: dict[str, str] = {
    Assessment.SIGNIFICANT: "a significant hazard",
    Assessment.NOT: "neither an emergency nor a significant hazard",
}
VULNERABILITY_PROMPT = (
    "Vulnerable occupiers are recorded, and the report is assessed as {assessed}. "
    "Vulnerabilities raise the risk: consider whether this is an emergency hazard "
    "(investigate and make safe within 24 hours of becoming aware)."
)


def vulnerability_prompt(vulnerabilities: str, assessment: str) -> str | None:
    """The words that prompt the person to consider the emergency assessment, or None: when
    occupiers' vulnerabilities are recorded (free text; "none", "n/a" and the like record none)
    and the assessment is significant or neither."""
    if assessment not in _ASSESSED_AS:
        return None
    if vulnerabilities.strip().strip(".").strip().lower() in _NO_VULNERABILITY:
        return None
    return VULNERABILITY_PROMPT.format(assessed=_ASSESSED_AS[assessment])
