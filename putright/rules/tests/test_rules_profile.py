"""The Housing Ombudsman's Code as data, and a second profile built from data alone."""

import dataclasses
from datetime import date

import pytest

from putright.rules.profile import (
    HOUSING_OMBUDSMAN_2024,
    PROFILES,
    Choice,
    CodeProfile,
    ExclusionGround,
    OmbudsmanContact,
    RemedyType,
    ResponseElement,
    StageRule,
    get_profile,
)

CODE = HOUSING_OMBUDSMAN_2024


def test_the_housing_ombudsman_profile_is_registered_under_its_code() -> None:
    assert get_profile("hos-2024") is CODE
    assert PROFILES == {"hos-2024": CODE}
    assert CODE.name == "Housing Ombudsman Complaint Handling Code (2024)"
    assert CODE.effective_from == date(2024, 4, 1)


def test_an_unknown_profile_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="Unknown complaint handling code 'nope'"):
        get_profile("nope")


def test_stage_one_limits_are_five_to_acknowledge_and_ten_to_respond_with_a_ten_day_cap() -> None:
    stage = CODE.stage(1)
    assert (stage.ack_limit, stage.ack_provision) == (5, "6.2")
    assert (stage.response_limit, stage.response_provision) == (10, "6.3")
    assert (stage.extension_cap, stage.extension_provision) == (10, "6.4")
    assert stage.name == "Stage 1"
    assert stage.escalates_to == "stage 2"
    assert not stage.is_final


def test_stage_two_limits_are_five_to_acknowledge_and_twenty_to_respond_with_a_twenty_day_cap() -> (
    None
):
    stage = CODE.stage(2)
    assert (stage.ack_limit, stage.ack_provision) == (5, "6.11")
    assert (stage.response_limit, stage.response_provision) == (20, "6.14")
    assert (stage.extension_cap, stage.extension_provision) == (20, "6.15")
    assert stage.escalates_to == "the Housing Ombudsman"
    assert stage.is_final
    assert CODE.last_stage == 2


def test_there_is_no_stage_zero_or_stage_three() -> None:
    for number in (0, 3):
        with pytest.raises(ValueError, match=f"has no stage {number}"):
            CODE.stage(number)


@pytest.mark.parametrize(("number", "provision"), [(1, "6.9"), (2, "6.19")])
def test_each_response_must_contain_elements_a_to_g(number: int, provision: str) -> None:
    elements = CODE.stage(number).required_elements
    assert [e.letter for e in elements] == list("abcdefg")
    assert [e.key for e in elements] == [
        "stage",
        "definition",
        "decisions",
        "reasons",
        "remedy",
        "outstanding_actions",
        "escalation",
    ]
    assert [e.provision for e in elements] == [f"{provision}({letter})" for letter in "abcdefg"]


def test_element_g_says_stage_two_after_stage_one_and_the_ombudsman_after_stage_two() -> None:
    one = CODE.stage(1).element("escalation")
    two = CODE.stage(2).element("escalation")
    assert "stage 2" in one.label
    assert "Housing Ombudsman" in two.label
    assert one.label != two.label
    with pytest.raises(ValueError, match="no required response element 'learning'"):
        CODE.stage(1).element("learning")


def test_the_exclusion_grounds_from_the_code_and_the_policy_are_all_present() -> None:
    assert {g.code for g in CODE.exclusion_grounds} == {
        "over_12_months",
        "legal_proceedings",
        "previously_considered",
        "service_request",
        "lettings_decision",
        "environmental_health_notice",
        "councillor_mp_general",
        "external_appeal",
        "leaseholder_consultation",
        "appeals",
        "asb",
        "criminal",
        "insurance_claim",
    }
    code_grounds = {g.code for g in CODE.exclusion_grounds if g.source == "Code 2.2"}
    assert code_grounds == {"over_12_months", "legal_proceedings", "previously_considered"}
    assert all(g.source in {"Code 2.2", "Policy 4.4"} for g in CODE.exclusion_grounds)
    assert all(g.label and g.guidance for g in CODE.exclusion_grounds)


def test_only_the_twelve_month_rule_invites_discretion() -> None:
    assert [g.code for g in CODE.exclusion_grounds if g.discretion] == ["over_12_months"]
    assert CODE.time_limit_months == 12


def test_exclusion_guidance_points_residents_to_the_right_place() -> None:
    assert "court" in CODE.exclusion_ground("legal_proceedings").guidance
    assert "Housing Ombudsman" in CODE.exclusion_ground("previously_considered").guidance
    assert "local authority" in CODE.exclusion_ground("lettings_decision").guidance
    assert "101" in CODE.exclusion_ground("criminal").guidance
    assert "insurance team" in CODE.exclusion_ground("insurance_claim").guidance
    with pytest.raises(ValueError, match="Unknown exclusion ground 'bored'"):
        CODE.exclusion_ground("bored")


def test_the_remedies_are_those_of_code_seven_one_and_only_one_is_financial() -> None:
    assert [r.code for r in CODE.remedy_types] == [
        "apology",
        "acknowledgement",
        "explanation",
        "delay_action",
        "reconsidered_decision",
        "amended_record",
        "financial",
        "policy_change",
    ]
    assert [r.code for r in CODE.remedy_types if r.financial] == ["financial"]
    assert CODE.remedy_type("apology").label == "Apology"
    with pytest.raises(ValueError, match="Unknown remedy type 'gift'"):
        CODE.remedy_type("gift")


def test_decisions_are_upheld_partly_upheld_or_not_upheld() -> None:
    assert CODE.decision_outcomes == (
        Choice("upheld", "Upheld"),
        Choice("partly_upheld", "Partly upheld"),
        Choice("not_upheld", "Not upheld"),
    )
    assert CODE.decision_outcome("partly_upheld").label == "Partly upheld"
    with pytest.raises(ValueError, match="Unknown decision outcome"):
        CODE.decision_outcome("maybe")


def test_staff_pass_complaints_on_within_one_working_day_and_due_soon_is_two() -> None:
    assert CODE.pass_on_working_days == 1
    assert CODE.due_soon_working_days == 2


def test_the_ombudsman_contact_details_come_from_the_policy() -> None:
    assert CODE.ombudsman == OmbudsmanContact(
        name="Housing Ombudsman Service",
        online_form="www.housing-ombudsman.org.uk/residents/make-a-complaint/",
        phone="0300 111 3000",
        email="info@housing-ombudsman.org.uk",
        postal_address="Housing Ombudsman Service, PO Box 152, Liverpool L33 7WQ",
    )


def test_a_profile_cannot_be_changed_in_place() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CODE.time_limit_months = 6  # type: ignore[misc]


def _stage(number: int, *, final: bool) -> StageRule:
    return StageRule(
        number=number,
        name=f"Step {number}",
        ack_limit=3,
        ack_provision=f"X{number}.1",
        response_limit=15,
        response_provision=f"X{number}.2",
        extension_cap=5,
        extension_provision=f"X{number}.3",
        decisions_provision=f"X{number}.5",
        required_elements=(ResponseElement("a", "decisions", "The decision", f"X{number}.4"),),
        escalates_to="the next step" if not final else "the Made-up Ombudsman",
        is_final=final,
    )


def _made_up_profile(**changes: object) -> CodeProfile:
    fields: dict[str, object] = {
        "code": "made-up-2030",
        "name": "Made-up Ombudsman Code (2030)",
        "effective_from": date(2030, 1, 1),
        "stages": (_stage(1, final=False), _stage(2, final=False), _stage(3, final=True)),
        "exclusion_grounds": (
            ExclusionGround("too_old", "Older than six months", "Made-up 1.1", "Say no.", True),
        ),
        "remedy_types": (RemedyType("apology", "Apology"), RemedyType("payment", "Payment", True)),
        "decision_outcomes": (Choice("yes", "Found"), Choice("no", "Not found")),
        "time_limit_months": 6,
        "pass_on_working_days": 2,
        "due_soon_working_days": 1,
        "ombudsman": OmbudsmanContact("Made-up", "example.test", "0", "a@example.test", "-"),
    }
    fields.update(changes)
    return CodeProfile(**fields)  # type: ignore[arg-type]


def test_a_second_code_with_three_stages_is_just_another_profile() -> None:
    other = _made_up_profile()
    assert other.last_stage == 3
    assert other.stage(3).escalates_to == "the Made-up Ombudsman"
    assert other.stage(2).response_limit == 15
    assert other.exclusion_ground("too_old").discretion
    assert other.remedy_type("payment").financial
    assert other.ombudsman.name == "Made-up"


def test_a_profile_whose_stages_are_not_numbered_from_one_is_refused() -> None:
    with pytest.raises(ValueError, match="numbered 1, 2"):
        _made_up_profile(stages=(_stage(2, final=True),))


def test_a_profile_whose_final_stage_is_not_the_last_is_refused() -> None:
    with pytest.raises(ValueError, match="exactly the last stage must be final"):
        _made_up_profile(stages=(_stage(1, final=True), _stage(2, final=True)))


def test_a_profile_with_duplicate_remedy_codes_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate remedy type code"):
        _made_up_profile(remedy_types=(RemedyType("a", "A"), RemedyType("a", "B")))


_GROUND = ExclusionGround("too_old", "Older than six months", "Made-up 1.1", "Say no.", True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exclusion_grounds": (_GROUND, _GROUND)}, "duplicate exclusion ground code"),
        (
            {"remedy_types": (RemedyType("a", "A"), RemedyType("a", "B"))},
            "duplicate remedy type code",
        ),
        (
            {"decision_outcomes": (Choice("yes", "Found"), Choice("yes", "Upheld"))},
            "duplicate decision outcome code",
        ),
        (
            {
                "stages": (
                    dataclasses.replace(
                        _stage(1, final=True),
                        required_elements=_stage(1, final=True).required_elements * 2,
                    ),
                )
            },
            "duplicate response element in Step 1",
        ),
    ],
    ids=["ground", "remedy", "outcome", "element"],
)
def test_a_profile_refuses_a_code_used_twice_and_names_the_list(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^made-up-2030: {message}.$"):
        _made_up_profile(**changes)
