"""Checking one import row against the Code's rules before anything is written.

Each row becomes a ComplaintPlan (typed values and the lifecycle steps to replay) or a list
of issues in plain words, each naming the row and the column.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from putright.complaints.constants import Channel, Outcome, ReferralOutcome
from putright.complaints.models import Category
from putright.imports.parser import RawRow
from putright.imports.plans import ComplaintPlan, Issue, RemedyPlan, ResidentPlan, StagePlan
from putright.people.models import Tenure
from putright.rules.calendar import CalendarHistory
from putright.rules.clocks import AgreedExtension, propose_extension, response_deadline
from putright.rules.exclusions import exclusion_gaps
from putright.rules.profile import CodeProfile

MISSING = "Missing required value."
NOT_A_DATE = "'{value}' is not a date: write it as 2025-04-07 (or 07/04/2025)."
FUTURE_DATE = "The date {value} is in the future."
UNKNOWN_CATEGORY = "Unknown category '{value}': use a category set up in PutRight ({known})."
UNKNOWN_CHANNEL = "Unknown channel '{value}': use one of {known}."
UNKNOWN_TENURE = "Unknown tenure '{value}': use one of {known}."
UNKNOWN_DECISION = "Unknown decision '{value}': use upheld, partly upheld or not upheld."
UNKNOWN_GROUND = "Unknown exclusion ground '{value}': use one of the Code's grounds ({known})."
UNKNOWN_REMEDY = "Unknown remedy type '{value}': use one of {known}."
UNKNOWN_OMBUDSMAN_OUTCOME = "Unknown Ombudsman outcome '{value}': use one of {known}."
FINANCIAL_NEEDS_AMOUNT = "A financial remedy needs its amount, for example 'financial:150'."
NOT_AN_AMOUNT = "'{value}' is not an amount of money greater than zero."
AMOUNT_ONLY_FINANCIAL = "Only a financial remedy has an amount ('{value}')."
NOT_YES_NO = "Write yes or no, not '{value}'."
UNKNOWN_HANDLER = (
    "No member of staff has the username or email '{value}': create their account first "
    "(it can be inactive)."
)
NOT_A_HANDLER = "'{value}' is not a complaint handler or officer, so cannot have handled a stage."
SAME_HANDLER = "The stage 2 handler must not be the person who handled stage 1 (Code 6.13)."
STAGE2_NEEDS_HANDLER = (
    "Missing required value: a stage 2 response needs the stage 2 handler, someone other "
    "than the stage 1 handler (Code 6.13)."
)
DUPLICATE_REFERENCE = "The reference '{value}' is also on row {other}: each complaint appears once."
DATED_BEFORE = "The {what} ({value}) is dated before the {other} ({other_value})."
NEEDS = "{what} needs {other} ({column})."
STAGE2_WITHOUT_STAGE1 = (
    "A stage 2 without a stage 1: an escalation needs the stage 1 response date (s1_responded_on)."
)
STAGE2_NEEDS_REQUEST = "Stage 2 details need the date stage 2 was requested (s2_requested_on)."
PROPERTY_NEEDED = "Missing required value: a tenancy needs the property reference."
EXTENSION_NOT_LATER = "The extended date must be after the original response due date ({due})."
DUE_NOT_WORKING_DAY = (
    "Row {row}, {column}: the extended date {value} is not a working day (a weekend, bank "
    "holiday or closure). Imported as recorded and flagged on the case."
)
BEYOND_CAP = (
    "The extension to {value} is {days} working days; the Code allows {cap} at stage {n} "
    "(Code {provision}). Give the good reason in s{n}_extension_good_reason."
)
EXCLUDED_AFTER_ACK = (
    "A stage that was acknowledged cannot then be 'not accepted': leave excluded_on blank or "
    "remove the acknowledgement date (s{n}_acknowledged_on)."
)
DISCRETION_NOT_CONSIDERED = (
    "Write yes: the Code requires discretion to be considered for complaints made more than "
    "12 months after the issue (Code 2.3)."
)
WITHDRAWN_NOT_OPEN = (
    "A complaint can only be withdrawn while it is open, not after a response: use closed_on."
)
CLOSED_WITHOUT_RESPONSE = (
    "A complaint is closed after a response: give the response date, or use withdrawn_on or "
    "excluded_on instead."
)
ENDED_TWICE = "A complaint can be closed, withdrawn or not accepted, but only one of these."

TOO_LONG = "Too long: at most {n} characters here."
# The database's limits, checked here so a long value is a row problem, not a crash.
MAX_LENGTHS = {
    "legacy_reference": 100,
    "resident_id": 100,
    "resident_name": 200,
    "resident_email": 254,
    "resident_phone": 40,
    "property_ref": 32,
    "address_line_1": 200,
    "town": 100,
    "postcode": 10,
    "ombudsman_reference": 40,
}

DATE_COLUMNS_SUFFIXES = ("_on", "_to")


def is_date_column(name: str) -> bool:
    return name.endswith(DATE_COLUMNS_SUFFIXES)


def _choices(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """code → code, label → code, both lower-cased, with spaces and underscores alike."""
    table: dict[str, str] = {}
    for code, label in pairs:
        for key in (code, label):
            table[_key(key)] = code
    return table


def _key(text: str) -> str:
    return _key_of(str(text))


# Kept: a file's choice columns hold a handful of distinct values (channels, tenures,
# decisions, categories), looked up about five times a row, twice (checked, then planned).
@functools.lru_cache(maxsize=4096)
def _key_of(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


@dataclass
class Lookups:
    """Reference data read once per import, so checking 100k rows costs a handful of queries."""

    today: date
    calendar: CalendarHistory
    profile: CodeProfile
    categories: dict[str, Category]
    staff: dict[str, Any]

    @classmethod
    def load(cls, *, today: date, calendar: CalendarHistory, profile: CodeProfile) -> "Lookups":
        from django.contrib.auth import get_user_model

        categories: dict[str, Category] = {}
        for c in Category.objects.all():
            categories[_key(c.code)] = c
            categories[_key(c.name)] = c
        staff: dict[str, Any] = {}
        for u in get_user_model().objects.all():
            staff[u.username.lower()] = u
            if u.email:
                staff.setdefault(u.email.lower(), u)
        return cls(
            today=today, calendar=calendar, profile=profile, categories=categories, staff=staff
        )

    def __post_init__(self) -> None:
        self.channels = _choices(list(Channel.choices))
        self.tenures = _choices([*Tenure.choices, ("non_customer", "Non-customer")])
        self.decisions = _choices(list(Outcome.choices))
        self.grounds = _choices([(g.code, g.label) for g in self.profile.exclusion_grounds])
        self.remedies = _choices([(r.code, r.label) for r in self.profile.remedy_types])
        self.financial = {r.code for r in self.profile.remedy_types if r.financial}
        self.referral_outcomes = _choices(
            [c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING]
        )


class _Row:
    """One row being checked: reads typed values, collecting issues instead of stopping."""

    def __init__(self, raw: RawRow, lookups: Lookups) -> None:
        self.raw = raw
        self.values = raw.values
        self.lookups = lookups
        self.issues: list[Issue] = []
        self.warnings: list[str] = []
        self.normalised: dict[str, str] = dict(raw.values)

    def add(self, column: str, message: str) -> None:
        self.issues.append(Issue(self.raw.number, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "")
        if required and not value:
            self.add(column, MISSING)
        return value

    def day(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.add(column, NOT_A_DATE.format(value=value))
            return None
        if parsed > self.lookups.today:
            self.add(column, FUTURE_DATE.format(value=parsed.isoformat()))
            return None
        self.normalised[column] = parsed.isoformat()
        return parsed

    def choice(self, column: str, table: dict[str, str], message: str, *, required=False) -> str:
        value = self.text(column, required=required)
        if not value:
            return ""
        code = table.get(_key(value))
        if code is None:
            known = ", ".join(sorted(set(table.values())))
            self.add(column, message.format(value=value, known=known))
            return ""
        self.normalised[column] = code
        return code

    def yes_no(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in {"", "no", "n", "false", "0"}:
            return False
        if value in {"yes", "y", "true", "1"}:
            return True
        self.add(column, NOT_YES_NO.format(value=value))
        return False

    def handler(self, column: str) -> Any:
        value = self.text(column)
        if not value:
            return None
        user = self.lookups.staff.get(value.lower())
        if user is None:
            self.add(column, UNKNOWN_HANDLER.format(value=value))
        elif not getattr(user, "can_handle_cases", False):
            self.add(column, NOT_A_HANDLER.format(value=value))
            return None
        return user

    def before(self, column: str, what: str, later: date | None, other: str, earlier: date | None):
        """Issue when `later` is dated before `earlier`."""
        if later and earlier and later < earlier:
            self.add(
                column,
                DATED_BEFORE.format(
                    what=what, value=later.isoformat(), other=other, other_value=earlier.isoformat()
                ),
            )


def _parse_date(value: str) -> date | None:
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)  # the usual case, 50 times faster than strptime
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date only
        except ValueError:
            continue
    return None


def check_row(raw: RawRow, lookups: Lookups) -> tuple[ComplaintPlan | None, list[Issue]]:
    """The row's plan, or the issues that stop it being imported."""
    if raw.bad_encoding:
        return None, [Issue(raw.number, "(whole row)", raw.bad_encoding)]
    r = _Row(raw, lookups)
    for column, limit in MAX_LENGTHS.items():
        if len(raw.values.get(column, "")) > limit:
            r.add(column, TOO_LONG.format(n=limit))
    reference = r.text("legacy_reference", required=True)
    tenure = r.choice("tenure", lookups.tenures, UNKNOWN_TENURE, required=True)
    resident = ResidentPlan(
        legacy_id=r.text("resident_id", required=True),
        name=r.text("resident_name", required=True),
        email=r.text("resident_email"),
        phone=r.text("resident_phone"),
        tenure=tenure,
        property_ref=r.text("property_ref"),
        address_line_1=r.text("address_line_1"),
        town=r.text("town"),
        postcode=r.text("postcode"),
    )
    if tenure and tenure != "non_customer" and not resident.property_ref:
        r.add("property_ref", PROPERTY_NEEDED)
    channel = r.choice("channel", lookups.channels, UNKNOWN_CHANNEL, required=True)
    category = None
    if name := r.text("category"):
        category = lookups.categories.get(_key(name))
        if category is None:
            known = ", ".join(sorted({c.code for c in lookups.categories.values()})) or "none yet"
            r.add("category", UNKNOWN_CATEGORY.format(value=name, known=known))
        else:
            r.normalised["category"] = category.code
    received_on = r.day("received_on", required=True)
    logged_on = r.day("logged_on")
    r.before("logged_on", "logging", logged_on, "receipt", received_on)
    description = r.text("description", required=True)

    s1 = _stage(r, 1, requested_on=received_on, previous=None)
    s2_requested = r.day("s2_requested_on")
    s2_given = [c for c in r.values if c.startswith("s2_") and c != "s2_requested_on"]
    if s2_given and not s2_requested:
        r.add(s2_given[0], STAGE2_NEEDS_REQUEST)
    if s2_requested:
        if not s1.responded_on and not any(i.column == "s1_responded_on" for i in r.issues):
            r.add("s2_requested_on", STAGE2_WITHOUT_STAGE1)
        r.before(
            "s2_requested_on",
            "escalation request",
            s2_requested,
            "stage 1 response",
            s1.responded_on,
        )
    s2 = _stage(r, 2, requested_on=s2_requested, previous=s1)

    plan = ComplaintPlan(
        row=raw.number,
        legacy_reference=reference,
        resident=resident,
        channel=channel,
        category=category,
        received_on=received_on or lookups.today,
        logged_on=logged_on,
        description=description,
        outcome_wanted=r.text("outcome_wanted"),
        stages=[s1, s2],
    )
    _ending(r, plan)
    _ombudsman(r, plan)
    if r.issues or received_on is None:
        return None, r.issues
    plan.values = r.normalised
    plan.warnings = r.warnings
    return plan, []


def _stage(r: _Row, n: int, *, requested_on: date | None, previous: StagePlan | None) -> StagePlan:
    p = f"s{n}_"
    s = StagePlan(number=n, requested_on=requested_on)
    s.acknowledged_on = r.day(p + "acknowledged_on")
    s.handler = r.handler(p + "handler")
    if n == 1:
        raw_points = r.text("s1_points")
        s.points = [x.strip() for x in raw_points.split("|") if x.strip()]
    s.extended_to = r.day(p + "extended_to")
    s.extension_reason = r.text(p + "extension_reason")
    s.extended_on = r.day(p + "extended_on")
    s.resident_told_on = r.day(p + "resident_told_on")
    s.extension_good_reason = r.text(p + "extension_good_reason")
    s.responded_on = r.day(p + "responded_on")
    s.decision = r.choice(p + "decision", r.lookups.decisions, UNKNOWN_DECISION)
    s.summary = r.text(p + "summary")
    s.remedies = _remedies(r, p + "remedies")

    label = f"stage {n}"
    r.before(
        p + "acknowledged_on",
        f"{label} acknowledgement",
        s.acknowledged_on,
        "receipt" if n == 1 else "escalation request",
        requested_on,
    )
    if s.responded_on:
        if not s.acknowledged_on and not _has_issue(r, p + "acknowledged_on"):
            r.add(
                p + "responded_on",
                NEEDS.format(
                    what=f"A {label} response",
                    other="the acknowledgement date",
                    column=p + "acknowledged_on",
                ),
            )
        r.before(
            p + "responded_on",
            f"{label} response",
            s.responded_on,
            "acknowledgement",
            s.acknowledged_on,
        )
        if not s.decision and not _has_issue(r, p + "decision"):
            r.add(p + "decision", MISSING)
    elif s.decision or s.remedies:
        column = p + ("decision" if s.decision else "remedies")
        r.add(
            column,
            NEEDS.format(what="A decision", other="the response date", column=p + "responded_on"),
        )
    if n == 2 and s.responded_on and not s.handler and not _has_issue(r, p + "handler"):
        r.add(p + "handler", STAGE2_NEEDS_HANDLER)
    if previous and s.handler and previous.handler and s.handler.pk == previous.handler.pk:
        r.add(p + "handler", SAME_HANDLER)
    if s.extended_to:
        _extension(r, s)
    elif s.extension_reason or s.extended_on or s.resident_told_on:
        r.add(p + "extended_to", MISSING)
    return s


def _has_issue(r: _Row, column: str) -> bool:
    return any(i.column == column for i in r.issues)


def _extension(r: _Row, s: StagePlan) -> None:
    p = f"s{s.number}_"
    if not s.extension_reason:
        r.add(p + "extension_reason", MISSING)
    if not s.acknowledged_on:
        if not _has_issue(r, p + "acknowledged_on"):
            r.add(
                p + "extended_to",
                NEEDS.format(
                    what="An extension",
                    other="the acknowledgement date",
                    column=p + "acknowledged_on",
                ),
            )
        return
    rule = r.lookups.profile.stage(s.number)
    if s.extended_on is None:
        # Not recorded: taken as agreed on the original due date (never later than today).
        # The resident-told date is never assumed (sN_resident_told_on; blank = unknown).
        current = _response_clock(r, s, rule, extended_on=None)
        s.extended_on = min(current.original_due or r.lookups.today, r.lookups.today)
    current = _response_clock(r, s, rule, extended_on=s.extended_on)
    original = current.original_due or s.acknowledged_on  # acknowledged, so it is set
    if s.extended_to <= original:
        r.add(p + "extended_to", EXTENSION_NOT_LATER.format(due=original.isoformat()))
        return
    # The same clock the service and the case page use (rules.clocks.response_deadline).
    check = propose_extension(
        current=current,
        acknowledged_on=s.acknowledged_on,
        extensions=[],
        proposed=AgreedExtension(
            agreed_on=s.extended_on,
            new_due=s.extended_to,
            good_reason=bool(s.extension_good_reason),
        ),
        responded_on=None,
        today=r.lookups.today,
        history=r.lookups.calendar,
        due_soon=r.lookups.profile.due_soon_working_days,
    )
    if not check.within_cap and not s.extension_good_reason:
        r.add(
            p + "extension_good_reason",
            BEYOND_CAP.format(
                value=s.extended_to.isoformat(),
                days=check.working_days,
                cap=rule.extension_cap,
                n=s.number,
                provision=rule.extension_provision,
            ),
        )
    if not check.new_due_is_working_day:
        r.warnings.append(
            DUE_NOT_WORKING_DAY.format(
                row=r.raw.number, column=p + "extended_to", value=s.extended_to.isoformat()
            )
        )
    r.before(p + "extended_on", "extension", s.extended_on, "acknowledgement", s.acknowledged_on)
    r.before(
        p + "resident_told_on",
        "date the resident was told",
        s.resident_told_on,
        "acknowledgement",
        s.acknowledged_on,
    )


def _response_clock(r: _Row, s: StagePlan, rule: Any, *, extended_on: date | None) -> Any:
    """The response clock before the extension, as it stood on the day it was agreed."""
    return response_deadline(
        acknowledged_on=s.acknowledged_on,
        limit=rule.response_limit,
        cap=rule.extension_cap,
        extensions=[],
        responded_on=None,
        today=extended_on or r.lookups.today,
        history=r.lookups.calendar,
        due_soon=r.lookups.profile.due_soon_working_days,
    )


def _remedies(r: _Row, column: str) -> list[RemedyPlan]:
    out: list[RemedyPlan] = []
    codes = []
    for item in r.text(column).split(";"):
        item = item.strip()
        if not item:
            continue
        name, _, amount_text = item.partition(":")
        code = r.lookups.remedies.get(_key(name))
        if code is None:
            known = ", ".join(sorted(set(r.lookups.remedies.values())))
            r.add(column, UNKNOWN_REMEDY.format(value=name.strip(), known=known))
            continue
        amount = None
        if amount_text.strip():
            try:
                amount = Decimal(amount_text.strip().lstrip("£").replace(",", ""))
            except InvalidOperation:
                amount = Decimal(0)
            if amount <= 0:
                r.add(column, NOT_AN_AMOUNT.format(value=amount_text.strip()))
                continue
            if code not in r.lookups.financial:
                r.add(column, AMOUNT_ONLY_FINANCIAL.format(value=amount_text.strip()))
                continue
        elif code in r.lookups.financial:
            r.add(column, FINANCIAL_NEEDS_AMOUNT)
            continue
        out.append(RemedyPlan(remedy_type=code, amount=amount))
        codes.append(f"{code}:{amount}" if amount is not None else code)
    if codes:
        r.normalised[column] = "; ".join(codes)
    return out


def _ending(r: _Row, plan: ComplaintPlan) -> None:
    s1, s2 = plan.stages
    plan.excluded_on = r.day("excluded_on")
    plan.exclusion_ground = r.choice("exclusion_ground", r.lookups.grounds, UNKNOWN_GROUND)
    plan.exclusion_reasoning = r.text("exclusion_reasoning")
    plan.discretion_considered = r.yes_no("exclusion_discretion_considered")
    plan.issue_started_on = r.day("issue_started_on")
    plan.became_aware_on = r.day("became_aware_on")
    plan.withdrawn_on = r.day("withdrawn_on")
    plan.withdrawal_reason = r.text("withdrawal_reason")
    plan.closed_on = r.day("closed_on")
    endings = [c for c in ("excluded_on", "withdrawn_on", "closed_on") if r.values.get(c)]
    if len(endings) > 1:
        r.add(endings[1], ENDED_TWICE)
        return
    if plan.excluded_on or r.values.get("exclusion_ground"):
        _exclusion(r, plan)
    last = s2 if s2.requested_on else s1
    if plan.withdrawn_on:
        if last.responded_on:
            r.add("withdrawn_on", WITHDRAWN_NOT_OPEN)
        latest = max(
            d
            for d in (
                plan.received_on,
                s1.acknowledged_on,
                s1.extended_on,
                s2.requested_on,
                s2.acknowledged_on,
                s2.extended_on,
            )
            if d
        )
        r.before("withdrawn_on", "withdrawal", plan.withdrawn_on, "last step", latest)
    if plan.closed_on:
        closes = s1 if plan.closed_before_escalation else last
        if not closes.responded_on:
            if not _has_issue(r, f"s{closes.number}_responded_on"):
                r.add("closed_on", CLOSED_WITHOUT_RESPONSE)
        else:
            r.before(
                "closed_on",
                "closure",
                plan.closed_on,
                f"stage {closes.number} response",
                closes.responded_on,
            )


def _exclusion(r: _Row, plan: ComplaintPlan) -> None:
    s1, s2 = plan.stages
    if not plan.excluded_on and not _has_issue(r, "excluded_on"):
        r.add("excluded_on", MISSING)
    if not plan.exclusion_ground and not _has_issue(r, "exclusion_ground"):
        r.add("exclusion_ground", MISSING)
    if not plan.exclusion_reasoning:
        r.add("exclusion_reasoning", MISSING)
    stage = s2 if s2.requested_on else s1
    if stage.acknowledged_on:
        r.add("excluded_on", EXCLUDED_AFTER_ACK.format(n=stage.number))
    r.before(
        "excluded_on",
        "decision not to accept",
        plan.excluded_on,
        "receipt" if stage.number == 1 else "escalation request",
        stage.requested_on,
    )
    if plan.exclusion_ground:
        ground = r.lookups.profile.exclusion_ground(plan.exclusion_ground)
        if ground.discretion and not plan.discretion_considered:
            r.add("exclusion_discretion_considered", DISCRETION_NOT_CONSIDERED)
        # The same rule complaint_exclude applies (dates, reasoning of a useful length).
        for gap in exclusion_gaps(
            ground,
            reasoning=plan.exclusion_reasoning,
            issue_date=plan.issue_started_on,
            became_aware=plan.became_aware_on,
        ):
            column = "exclusion_reasoning" if gap.field == "reasoning" else gap.field
            if not _has_issue(r, column):
                r.add(column, gap.message)


def _ombudsman(r: _Row, plan: ComplaintPlan) -> None:
    plan.ombudsman_referred_on = r.day("ombudsman_referred_on")
    plan.ombudsman_reference = r.text("ombudsman_reference")
    plan.ombudsman_outcome = r.choice(
        "ombudsman_outcome", r.lookups.referral_outcomes, UNKNOWN_OMBUDSMAN_OUTCOME
    )
    plan.ombudsman_outcome_on = r.day("ombudsman_outcome_on")
    given = [
        c
        for c in ("ombudsman_reference", "ombudsman_outcome", "ombudsman_outcome_on")
        if r.values.get(c)
    ]
    if given and not plan.ombudsman_referred_on and not _has_issue(r, "ombudsman_referred_on"):
        r.add("ombudsman_referred_on", MISSING)
    for have, need in (
        ("ombudsman_outcome", "ombudsman_outcome_on"),
        ("ombudsman_outcome_on", "ombudsman_outcome"),
    ):
        if r.values.get(have) and not r.values.get(need):
            r.add(need, MISSING)
    r.before(
        "ombudsman_referred_on",
        "Ombudsman referral",
        plan.ombudsman_referred_on,
        "receipt",
        plan.received_on,
    )
    r.before(
        "ombudsman_outcome_on",
        "Ombudsman's outcome",
        plan.ombudsman_outcome_on,
        "referral",
        plan.ombudsman_referred_on,
    )
