"""The Code's provisions 1.2-9.8 as data, for the self-assessment (Code 8.1a, 8.3)."""

import dataclasses

import pytest

from putright.rules.profile import HOUSING_OMBUDSMAN_2024, Provision

PROFILE = HOUSING_OMBUDSMAN_2024


def test_every_provision_from_1_2_to_9_8_is_listed_once_in_order() -> None:
    numbers = [p.number for p in PROFILE.provisions]
    expected_counts = {1: 5, 2: 5, 3: 7, 4: 3, 5: 15, 6: 20, 7: 4, 8: 5, 9: 8}
    assert numbers[0] == "1.2"
    assert numbers[-1] == "9.8"
    assert len(numbers) == sum(expected_counts.values()) == 72
    for section, count in expected_counts.items():
        assert len([p for p in PROFILE.provisions if p.section == section]) == count


def test_provision_numbers_run_consecutively_within_each_section() -> None:
    for section, _title in PROFILE.sections:
        minors = [int(p.number.split(".")[1]) for p in PROFILE.provisions if p.section == section]
        start = 2 if section == 1 else 1
        assert minors == list(range(start, start + len(minors)))


def test_requirement_text_is_the_codes_own_words() -> None:
    assert PROFILE.provision("6.2").requirement.startswith(
        "Complaints must be acknowledged, defined and logged at stage 1"
    )
    assert PROFILE.provision("6.2").requirement.endswith(
        "within five working days of the complaint being received."
    )
    assert PROFILE.provision("6.13").requirement == (
        "The person considering the complaint at stage 2 must not be the same person that "
        "considered the complaint at stage 1."
    )
    assert "\t" not in "".join(p.requirement for p in PROFILE.provisions)
    assert "[bookmark" not in "".join(p.requirement for p in PROFILE.provisions)


def test_sections_have_the_forms_titles() -> None:
    assert PROFILE.section_title(1) == "Definition of a complaint"
    assert PROFILE.section_title(7) == "Putting things right"
    assert [n for n, _ in PROFILE.sections] == list(range(1, 10))


def test_an_unknown_provision_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match=r"has no provision .10\.1."):
        PROFILE.provision("10.1")


def test_a_profile_with_a_duplicate_provision_is_refused() -> None:
    twice = (Provision("1.2", 1, "a"), Provision("1.2", 1, "b"))
    with pytest.raises(ValueError, match="duplicate provision number"):
        dataclasses.replace(PROFILE, provisions=twice)


def test_a_provision_in_an_unknown_section_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        dataclasses.replace(PROFILE, provisions=(Provision("12.1", 12, "a"),))
