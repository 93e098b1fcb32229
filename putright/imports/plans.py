"""What a checked row becomes: typed values and the lifecycle steps to replay."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from putright.complaints.models import Category


@dataclass(frozen=True)
class Issue:
    row: int  # 0: the file itself
    column: str
    message: str
    sheet: str = ""  # "" for the complaints; "Correspondence" for that sheet's rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "sheet": self.sheet,
        }


@dataclass(frozen=True)
class RemedyPlan:
    remedy_type: str
    amount: Decimal | None


@dataclass
class StagePlan:
    number: int
    requested_on: date | None = None
    acknowledged_on: date | None = None
    handler: Any = None
    points: list[str] = field(default_factory=list)
    extended_to: date | None = None
    extension_reason: str = ""
    extended_on: date | None = None
    resident_told_on: date | None = None  # blank stays blank: reported as unknown
    extension_good_reason: str = ""
    responded_on: date | None = None
    decision: str = ""
    summary: str = ""
    remedies: list[RemedyPlan] = field(default_factory=list)


@dataclass
class ResidentPlan:
    legacy_id: str
    name: str
    email: str
    phone: str
    tenure: str  # a Tenure value, or "non_customer"
    property_ref: str
    address_line_1: str
    town: str
    postcode: str


@dataclass
class ComplaintPlan:
    row: int
    legacy_reference: str
    resident: ResidentPlan
    channel: str
    category: Category | None
    received_on: date
    logged_on: date | None
    description: str
    outcome_wanted: str
    stages: list[StagePlan]
    excluded_on: date | None = None
    exclusion_ground: str = ""
    exclusion_reasoning: str = ""
    discretion_considered: bool = False
    issue_started_on: date | None = None
    became_aware_on: date | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str = ""
    closed_on: date | None = None
    ombudsman_referred_on: date | None = None
    ombudsman_reference: str = ""
    ombudsman_outcome: str = ""
    ombudsman_outcome_on: date | None = None
    values: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # reported, the row is still imported

    @property
    def closed_before_escalation(self) -> bool:
        s2 = self.stages[1].requested_on
        return bool(self.closed_on and s2 and self.closed_on < s2)

    def steps(self) -> list[str]:
        """The lifecycle steps to replay through the services, in order."""
        s1, s2 = self.stages
        steps = ["receive"]
        if self.excluded_on and not s2.requested_on:
            steps.append("exclude")
        for s in (s1,):
            steps += _stage_steps(s)
        if self.closed_before_escalation:
            steps.append("close")
        if s2.requested_on:
            steps.append("escalate")
            if self.excluded_on:
                steps.append("exclude")
            steps += _stage_steps(s2)
        if self.closed_on and not self.closed_before_escalation:
            steps.append("close")
        if self.withdrawn_on:
            steps.append("withdraw")
        return steps

    def ombudsman_steps(self) -> list[str]:
        steps = []
        if self.ombudsman_referred_on:
            steps.append("refer")
            if self.ombudsman_outcome:
                steps.append("ombudsman_outcome")
        return steps


def _stage_steps(s: StagePlan) -> list[str]:
    out = []
    if s.acknowledged_on:
        out.append(f"acknowledge_{s.number}")
    if s.extended_to:
        out.append(f"extend_{s.number}")
    if s.responded_on:
        out.append(f"respond_{s.number}")
    return out
