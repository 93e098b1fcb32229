"""The Complaint Handling Code as data: stages, timescales, caps, response content, exclusions.

A profile is frozen data. Another ombudsman's code (or a later edition) is another instance of
``CodeProfile`` registered in ``PROFILES``, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from putright.rules.provisions_hos2024 import PROVISIONS as _HOS_2024_PROVISIONS
from putright.rules.provisions_hos2024 import SECTIONS as _HOS_2024_SECTIONS

__all__ = [
    "HOUSING_OMBUDSMAN_2024",
    "PROFILES",
    "Choice",
    "CodeProfile",
    "ExclusionGround",
    "OmbudsmanContact",
    "Provision",
    "RemedyType",
    "ResponseElement",
    "StageRule",
    "get_profile",
]


@dataclass(frozen=True)
class Choice:
    """A stored code and the label people see."""

    code: str
    label: str


@dataclass(frozen=True)
class ResponseElement:
    """One thing a stage response must contain, e.g. (c) the decision on the complaint."""

    letter: str
    key: str
    label: str
    provision: str


@dataclass(frozen=True)
class StageRule:
    """One stage of the procedure: its clocks, extension cap and required response content."""

    number: int
    name: str
    ack_limit: int
    ack_provision: str
    response_limit: int
    response_provision: str
    extension_cap: int
    extension_provision: str
    # Where the Code asks for a decision and reasons on every point of the definition.
    decisions_provision: str
    required_elements: tuple[ResponseElement, ...]
    escalates_to: str
    is_final: bool

    def element(self, key: str) -> ResponseElement:
        for item in self.required_elements:
            if item.key == key:
                return item
        raise ValueError(f"{self.name} has no required response element {key!r}.")


@dataclass(frozen=True)
class ExclusionGround:
    """A reason a matter is not taken through (or escalated in) the complaints procedure."""

    code: str
    label: str
    source: str
    guidance: str
    discretion: bool = False
    # Policy 4.4's "Who should I contact?" column, for the refusal letter. `contact_us` adds
    # the landlord's own contact details (the policy's web chat, email, phone) after it.
    contact_instead: str = ""
    contact_us: bool = False
    # Code 2.2/2.3: the 12-month ground is measured from dates, so it needs them recorded.
    needs_dates: bool = False
    # Code 2.1: evidence and reasoning for this case, not a token ("x").
    min_reasoning_words: int = 0


@dataclass(frozen=True)
class RemedyType:
    code: str
    label: str
    financial: bool = False


@dataclass(frozen=True)
class OmbudsmanContact:
    name: str
    online_form: str
    phone: str
    email: str
    postal_address: str


HOUSING_OMBUDSMAN_CONTACT = OmbudsmanContact(  # policy 5.2
    name="Housing Ombudsman Service",
    online_form="www.housing-ombudsman.org.uk/residents/make-a-complaint/",
    phone="0300 111 3000",
    email="info@housing-ombudsman.org.uk",
    postal_address="Housing Ombudsman Service, PO Box 152, Liverpool L33 7WQ",
)


@dataclass(frozen=True)
class Provision:
    """One numbered provision of a code (e.g. 6.2), with its requirement text verbatim."""

    number: str
    section: int
    requirement: str


@dataclass(frozen=True)
class CodeProfile:
    """One complaint handling code, checked for internal consistency when built."""

    code: str
    name: str
    effective_from: date
    stages: tuple[StageRule, ...]
    exclusion_grounds: tuple[ExclusionGround, ...]
    remedy_types: tuple[RemedyType, ...]
    decision_outcomes: tuple[Choice, ...]
    time_limit_months: int
    pass_on_working_days: int
    due_soon_working_days: int
    ombudsman: OmbudsmanContact = field(default=HOUSING_OMBUDSMAN_CONTACT)
    # Every provision, in order, for the self-assessment (Code 8.1a, 8.3); section titles by number.
    provisions: tuple[Provision, ...] = ()
    sections: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        numbers = [stage.number for stage in self.stages]
        if not numbers or numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"{self.code}: stages must be numbered 1, 2, … in order.")
        finals = [stage.number for stage in self.stages if stage.is_final]
        if finals != [numbers[-1]]:
            raise ValueError(f"{self.code}: exactly the last stage must be final.")
        for label, codes in (
            ("exclusion ground", [g.code for g in self.exclusion_grounds]),
            ("remedy type", [r.code for r in self.remedy_types]),
            ("decision outcome", [c.code for c in self.decision_outcomes]),
        ):
            if len(codes) != len(set(codes)):
                raise ValueError(f"{self.code}: duplicate {label} code.")
        numbers_seen = [p.number for p in self.provisions]
        if len(numbers_seen) != len(set(numbers_seen)):
            raise ValueError(f"{self.code}: duplicate provision number.")
        section_numbers = {number for number, _ in self.sections}
        if any(p.section not in section_numbers for p in self.provisions):
            raise ValueError(f"{self.code}: a provision belongs to an unknown section.")
        for stage in self.stages:
            keys = [e.key for e in stage.required_elements]
            if len(keys) != len(set(keys)):
                raise ValueError(f"{self.code}: duplicate response element in {stage.name}.")

    def stage(self, number: int) -> StageRule:
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise ValueError(f"{self.name} has no stage {number}.")

    def exclusion_ground(self, code: str) -> ExclusionGround:
        for ground in self.exclusion_grounds:
            if ground.code == code:
                return ground
        raise ValueError(f"Unknown exclusion ground {code!r}.")

    def remedy_type(self, code: str) -> RemedyType:
        for remedy in self.remedy_types:
            if remedy.code == code:
                return remedy
        raise ValueError(f"Unknown remedy type {code!r}.")

    def decision_outcome(self, code: str) -> Choice:
        for outcome in self.decision_outcomes:
            if outcome.code == code:
                return outcome
        raise ValueError(f"Unknown decision outcome {code!r}.")

    def provision(self, number: str) -> Provision:
        for item in self.provisions:
            if item.number == number:
                return item
        raise ValueError(f"{self.name} has no provision {number!r}.")

    def section_title(self, number: int) -> str:
        return dict(self.sections)[number]

    @property
    def last_stage(self) -> int:
        return self.stages[-1].number


def _response_elements(
    provision: str, escalation_label: str
) -> tuple[ResponseElement, ...]:  # pragma: no mutate block
    rows = (
        ("a", "stage", "The complaint stage"),
        ("b", "definition", "The complaint definition"),
        ("c", "decisions", "The decision on the complaint"),
        ("d", "reasons", "The reasons for any decisions made"),
        ("e", "remedy", "Details of any remedy offered to put things right"),
        ("f", "outstanding_actions", "Details of any outstanding actions"),
        ("g", "escalation", escalation_label),
    )
    return tuple(
        ResponseElement(letter=letter, key=key, label=label, provision=f"{provision}({letter})")
        for letter, key, label in rows
    )


_HOUSING_OMBUDSMAN_STAGES = (
    StageRule(
        number=1,
        name="Stage 1",
        ack_limit=5,  # working days from receipt to acknowledge, define and log, Code 6.2
        ack_provision="6.2",
        response_limit=10,  # working days from acknowledgement to full response, Code 6.3
        response_provision="6.3",
        extension_cap=10,  # working days more without good reason, Code 6.4
        extension_provision="6.4",
        decisions_provision="6.7",  # address every point, with reasons, Code 6.7
        required_elements=_response_elements(
            "6.9", "How to escalate the complaint to stage 2 if not satisfied"
        ),
        escalates_to="stage 2",
        is_final=False,
    ),
    StageRule(
        number=2,
        name="Stage 2",
        ack_limit=5,  # working days from escalation request, Code 6.11
        ack_provision="6.11",
        response_limit=20,  # working days from stage 2 acknowledgement, Code 6.14
        response_provision="6.14",
        extension_cap=20,  # working days more without good reason, Code 6.15
        extension_provision="6.15",
        decisions_provision="6.18",  # address every point, with reasons, Code 6.18
        required_elements=_response_elements(
            "6.19", "How to take the complaint to the Housing Ombudsman if still dissatisfied"
        ),
        escalates_to="the Housing Ombudsman",
        is_final=True,  # stage 2 is the landlord's final response, Code 6.20
    ),
)

_HOUSING_OMBUDSMAN_EXCLUSIONS = (
    ExclusionGround(
        code="over_12_months",
        label="The issue happened more than 12 months ago",
        source="Code 2.2",
        guidance=(
            "Complaints must be accepted within 12 months of the issue happening or of the "
            "resident becoming aware of it (Code 2.3). Consider using discretion where the "
            "resident only recently became aware of the issue or there is another good reason."
        ),
        discretion=True,
        needs_dates=True,
        min_reasoning_words=12,
    ),
    ExclusionGround(
        code="legal_proceedings",
        label="Legal proceedings have started",
        source="Code 2.2",
        guidance=(
            "Only when details of the claim, such as the claim form and particulars of claim, "
            "have been filed at court. The complaints process cannot make legal findings or "
            "order damages."
        ),
        contact_instead=(
            "The court dealing with the claim. Our complaints process cannot make legal "
            "findings, such as negligence, liability or discrimination, or order damages."
        ),
        contact_us=True,
    ),
    ExclusionGround(
        code="previously_considered",
        label="Already considered in a previous complaint",
        source="Code 2.2",
        guidance=(
            "A final response has already been sent on this matter. The resident can refer it "
            "to the Housing Ombudsman."
        ),
        contact_instead=(
            "We have already sent our final response on this matter, so you can refer it to "
            "the Housing Ombudsman (contact details below)."
        ),
    ),
    ExclusionGround(
        code="service_request",
        label="A first request for a service",
        source="Policy 4.4",
        guidance=(
            "The first time someone asks for a service, such as reporting a repair or asking "
            "for information, is a service request. Log it as one; if the resident is unhappy "
            "with how it is handled, that is a complaint."
        ),
        contact_instead="To ask for the service, contact us in any of these ways.",
        contact_us=True,
    ),
    ExclusionGround(
        code="lettings_decision",
        label="A lettings decision",
        source="Policy 4.4",
        guidance="The resident should contact their local authority (www.gov.uk/find-local-council).",
        contact_instead=(
            "Your local authority. You can find out who your local authority is at "
            "www.gov.uk/find-local-council."
        ),
    ),
    ExclusionGround(
        code="environmental_health_notice",
        label="An Environmental Health or HHSRS notice",
        source="Policy 4.4",
        guidance=(
            "Environmental Health notices and Housing Health and Safety Rating System notices "
            "are dealt with outside the complaints process; tell the resident how to contact us "
            "about the notice."
        ),
        contact_instead="About the notice, contact us in any of these ways.",
        contact_us=True,
    ),
    ExclusionGround(
        code="councillor_mp_general",
        label="General correspondence from a councillor or MP",
        source="Policy 4.4",
        guidance=(
            "Correspondence from councillors and MPs that is not about a complaint is answered "
            "as an enquiry. If it raises a resident's dissatisfaction, treat it as a complaint."
        ),
        contact_instead="For your enquiry, contact us in any of these ways.",
        contact_us=True,
    ),
    ExclusionGround(
        code="external_appeal",
        label="A tribunal or court decision",
        source="Policy 4.4",
        guidance=(
            "Decisions of the First-tier Tribunal or a court go through that body's appeal "
            "process (www.gov.uk/housing/tribunals), not the complaints process."
        ),
        contact_instead=(
            "The tribunal or court's own appeal process (www.gov.uk/housing/tribunals). For "
            "more information, contact us in any of these ways."
        ),
        contact_us=True,
    ),
    ExclusionGround(
        code="leaseholder_consultation",
        label="Observations on a leaseholder consultation",
        source="Policy 4.4",
        guidance=(
            "Observations are answered through the consultation itself; the resident can "
            "contact the home ownership team."
        ),
        contact_instead=(
            "Our home ownership team, through the consultation itself, or contact us in any of "
            "these ways."
        ),
        contact_us=True,
    ),
    ExclusionGround(
        code="appeals",
        label="A matter with its own appeals process",
        source="Policy 4.4",
        guidance="Direct the resident to the appeals process for that decision.",
        contact_instead="The appeals process for that decision: contact us in any of these ways.",
        contact_us=True,
    ),
    ExclusionGround(
        code="asb",
        label="A report of anti-social behaviour",
        source="Policy 4.4",
        guidance=(
            "Handled through the anti-social behaviour (ASB) process. Dissatisfaction with how "
            "an ASB case was handled is a complaint."
        ),
        contact_instead=(
            "Our anti-social behaviour (ASB) process: report ASB through our online portal or "
            "contact us in any of these ways."
        ),
        contact_us=True,
    ),
    ExclusionGround(
        code="criminal",
        label="A criminal matter",
        source="Policy 4.4",
        guidance="Report to the police: 999 in an emergency, 101 otherwise.",
        contact_instead="The police: call 999 in an emergency, or 101 if it is not an emergency.",
    ),
    ExclusionGround(
        code="insurance_claim",
        label="An insurance claim",
        source="Policy 4.4",
        guidance=(
            "Damage to items that should be covered by insurance goes to the insurance team; "
            "the complaints process does not assess insurance claims."
        ),
        contact_instead=(
            "Our insurance team. Damage to belongings that should be covered by insurance is "
            "not assessed through complaints. For more information, contact us in any of "
            "these ways."
        ),
        contact_us=True,
    ),
)

_HOUSING_OMBUDSMAN_REMEDIES = (  # Code 7.1
    RemedyType(code="apology", label="Apology"),
    RemedyType(code="acknowledgement", label="Acknowledging what went wrong"),
    RemedyType(code="explanation", label="Explanation, assistance or reasons"),
    RemedyType(code="delay_action", label="Action taken on a delay"),
    RemedyType(code="reconsidered_decision", label="Decision reconsidered or changed"),
    RemedyType(code="amended_record", label="Record amended, corrected or added to"),
    RemedyType(code="financial", label="Financial remedy", financial=True),
    RemedyType(code="policy_change", label="Change to a policy, procedure or practice"),
)

HOUSING_OMBUDSMAN_2024 = CodeProfile(
    code="hos-2024",
    name="Housing Ombudsman Complaint Handling Code (2024)",
    effective_from=date(2024, 4, 1),  # statutory from 1 April 2024
    stages=_HOUSING_OMBUDSMAN_STAGES,
    exclusion_grounds=_HOUSING_OMBUDSMAN_EXCLUSIONS,
    remedy_types=_HOUSING_OMBUDSMAN_REMEDIES,
    decision_outcomes=(
        Choice(code="upheld", label="Upheld"),
        Choice(code="partly_upheld", label="Partly upheld"),
        Choice(code="not_upheld", label="Not upheld"),
    ),
    time_limit_months=12,  # Code 2.3
    pass_on_working_days=1,  # staff and contractors pass a complaint on, policy 5.1
    due_soon_working_days=2,  # work-queue warning threshold, not a Code figure
    ombudsman=HOUSING_OMBUDSMAN_CONTACT,
    provisions=tuple(
        Provision(number=number, section=section, requirement=requirement)
        for number, section, requirement in _HOS_2024_PROVISIONS
    ),
    sections=_HOS_2024_SECTIONS,
)

PROFILES: dict[str, CodeProfile] = {HOUSING_OMBUDSMAN_2024.code: HOUSING_OMBUDSMAN_2024}

# The code a landlord follows unless settings.PUTRIGHT_CODE_PROFILE names another.
DEFAULT_CODE = HOUSING_OMBUDSMAN_2024.code


def get_profile(code: str = DEFAULT_CODE) -> CodeProfile:
    try:
        return PROFILES[code]
    except KeyError:
        raise ValueError(f"Unknown complaint handling code {code!r}.") from None
