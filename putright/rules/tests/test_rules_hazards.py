"""Awaab's Law clocks, each due date worked out by hand from a printed calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest

from putright.rules.calendar import CalendarHistory, Closure
from putright.rules.hazards import (
    CITATIONS,
    CLOCK_LABELS,
    HAZARDS,
    INSTRUMENT,
    PHASES,
    STOP_CITATION,
    Assessment,
    Clock,
    ClockKey,
    ClockStatus,
    HazardFacts,
    Phase,
    assessment_refusal,
    clocks,
    get_hazard,
    is_emergency_hazard,
    is_significant_hazard,
    phase_on,
    vulnerability_prompt,
)

CAL = CalendarHistory.england_and_wales()


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def by_key(facts: HazardFacts, now: datetime) -> dict[ClockKey, Clock]:
    return {c.key: c for c in clocks(facts, now=now, today=now.date(), history=CAL)}


def test_there_are_29_hhsrs_hazards_with_unique_codes() -> None:
    assert len(HAZARDS) == 29
    assert len({h.code for h in HAZARDS}) == 29
    assert [h.number for h in HAZARDS] == list(range(1, 30))


def test_phase_one_covers_every_hazard_but_crowding_as_emergency_and_damp_as_significant() -> None:
    day = date(2025, 10, 27)
    assert is_emergency_hazard("electrical", day)
    assert not is_emergency_hazard("crowding_space", day)
    assert is_significant_hazard("damp_mould", day)
    assert not is_significant_hazard("excess_cold", day)


def test_nothing_applies_before_the_regulations_came_in() -> None:
    assert phase_on(date(2025, 10, 26)) is None
    assert not is_emergency_hazard("fire", date(2025, 10, 26))


def test_an_announced_phase_does_not_apply_until_confirmed() -> None:
    # Phase 2 is announced for 2026 but unverified: on 1 Dec 2026 phase 1 still applies.
    current = phase_on(date(2026, 12, 1))
    assert current is not None
    assert current.name == "Phase 1"
    confirmed = tuple(
        Phase(p.name, p.starts, p.emergency, p.significant, True, p.source) for p in PHASES
    )
    assert is_significant_hazard("excess_cold", date(2026, 12, 1), phases=confirmed)


def test_unknown_hazard_code_is_refused() -> None:
    with pytest.raises(ValueError, match="not an HHSRS hazard"):
        get_hazard("ghosts")


def test_emergency_clock_counts_24_real_hours_across_a_weekend() -> None:
    # Aware Friday 5 Dec 2025 at 14:00 -> due Saturday 6 Dec at 14:00, not Monday.
    facts = HazardFacts(aware_at=at(2025, 12, 5, 14), assessment=Assessment.EMERGENCY)
    clock = by_key(facts, at(2025, 12, 6, 10))[ClockKey.EMERGENCY_INVESTIGATION]
    assert clock.due_at == at(2025, 12, 6, 14)
    assert clock.status == ClockStatus.DUE_SOON
    assert clock.hours_left == 4
    assert clock.words == "4 hours left."
    late = by_key(facts, at(2025, 12, 6, 17))[ClockKey.EMERGENCY_SAFETY]
    assert late.status == ClockStatus.OVERDUE
    assert late.words == "Overdue by 3 hours."


def test_emergency_work_done_after_24_hours_is_missed_and_within_is_met() -> None:
    aware = at(2025, 12, 5, 14)
    facts = HazardFacts(
        aware_at=aware,
        assessment=Assessment.EMERGENCY,
        investigation_concluded_at=aware + timedelta(hours=3),
        hazard_found=True,
        safety_work_done_at=aware + timedelta(hours=25),
    )
    found = by_key(facts, at(2025, 12, 8))
    assert found[ClockKey.EMERGENCY_INVESTIGATION].status == ClockStatus.MET
    assert found[ClockKey.EMERGENCY_SAFETY].status == ClockStatus.MISSED


def test_emergency_safety_clock_stops_when_the_household_is_decanted_in_time() -> None:
    aware = at(2025, 12, 5, 14)
    facts = HazardFacts(
        aware_at=aware, assessment=Assessment.EMERGENCY, decanted_at=aware + timedelta(hours=20)
    )
    found = by_key(facts, at(2025, 12, 8))
    assert found[ClockKey.EMERGENCY_SAFETY].status == ClockStatus.STOPPED
    # A decant 30 hours in is too late to stop it.
    late = HazardFacts(
        aware_at=aware, assessment=Assessment.EMERGENCY, decanted_at=aware + timedelta(hours=30)
    )
    assert by_key(late, at(2025, 12, 8))[ClockKey.EMERGENCY_SAFETY].status == ClockStatus.OVERDUE


def test_significant_investigation_skips_christmas_and_new_year_bank_holidays() -> None:
    # Aware Mon 22 Dec 2025. Working days: 23, 24, (25, 26 bank holidays), 29, 30, 31,
    # (1 Jan bank holiday), 2, 5, 6, 7, 8 -> the 10th is Thursday 8 January 2026.
    facts = HazardFacts(aware_at=at(2025, 12, 22), assessment=Assessment.SIGNIFICANT)
    found = by_key(facts, at(2026, 1, 2))
    investigation = found[ClockKey.INVESTIGATION]
    assert investigation.due_on == date(2026, 1, 8)
    # From Fri 2 Jan: 5, 6, 7, 8 -> 4 working days left.
    assert investigation.working_days_left == 4
    assert investigation.words == "4 working days left."
    assert found[ClockKey.SUMMARY].status == ClockStatus.WAITING
    assert ClockKey.SAFETY_WORK not in found


def test_summary_and_safety_work_count_from_the_investigation_over_easter() -> None:
    # Investigation concluded Thu 2 Apr 2026. Good Friday 3 Apr and Easter Monday 6 Apr are
    # bank holidays. Summary: 7, 8, 9 -> Thu 9 Apr. Safety work: 7, 8, 9, 10, 13 -> Mon 13 Apr.
    # Physically start further work: 12 weeks after 2 Apr -> 25 Jun 2026.
    facts = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        further_work_needed=True,
    )
    found = by_key(facts, at(2026, 4, 10))
    assert found[ClockKey.INVESTIGATION].status == ClockStatus.MET
    assert found[ClockKey.SUMMARY].due_on == date(2026, 4, 9)
    assert found[ClockKey.SUMMARY].status == ClockStatus.OVERDUE
    assert found[ClockKey.SUMMARY].words == "Overdue by 1 working day."
    assert found[ClockKey.SAFETY_WORK].due_on == date(2026, 4, 13)
    assert found[ClockKey.SAFETY_WORK].working_days_left == 1
    assert found[ClockKey.FURTHER_WORK_BEGIN].due_on == date(2026, 4, 13)
    assert found[ClockKey.FURTHER_WORK_START].due_on == date(2026, 6, 25)


def test_consent_refused_stops_the_work_clocks_but_not_the_summary() -> None:
    facts = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        further_work_needed=True,
        consent_refused_at=at(2026, 4, 8),
    )
    found = by_key(facts, at(2026, 5, 1))
    assert found[ClockKey.SAFETY_WORK].status == ClockStatus.STOPPED
    assert found[ClockKey.FURTHER_WORK_BEGIN].status == ClockStatus.STOPPED
    assert found[ClockKey.FURTHER_WORK_START].status == ClockStatus.STOPPED
    assert found[ClockKey.SUMMARY].status == ClockStatus.OVERDUE


def test_no_hazard_found_runs_no_work_clocks_and_not_a_hazard_runs_none() -> None:
    facts = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=False,
        summary_sent_on=date(2026, 4, 7),
    )
    found = by_key(facts, at(2026, 5, 1))
    assert set(found) == {ClockKey.INVESTIGATION, ClockKey.SUMMARY}
    assert found[ClockKey.SUMMARY].status == ClockStatus.MET
    assert (
        clocks(
            HazardFacts(aware_at=at(2026, 3, 25), assessment=Assessment.NOT),
            now=at(2026, 5, 1),
            today=date(2026, 5, 1),
            history=CAL,
        )
        == ()
    )


def _summary_facts(sent_on: date | None) -> HazardFacts:
    # Investigation concluded Thursday 4 June 2026; the summary is due 3 working days later:
    # Fri 5, Mon 8, Tue 9 June.
    return HazardFacts(
        aware_at=at(2026, 6, 1),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 6, 4),
        hazard_found=False,
        summary_sent_on=sent_on,
    )


def test_a_closure_decided_later_does_not_move_a_settled_clock() -> None:
    """The landlord closes Friday 5 June, decided on 10 June (after the summary went out on
    Tuesday 9 June): the settled summary clock keeps its due date of Tuesday 9 June and stays
    met. One calendar rule with the Code's clocks (`rules.clocks`)."""
    later = CalendarHistory.england_and_wales(
        closures=(
            Closure(day=date(2026, 6, 5), reason="Office move", decided_on=date(2026, 6, 10)),
        )
    )
    settled = {
        c.key: c
        for c in clocks(
            _summary_facts(date(2026, 6, 9)),
            now=at(2026, 6, 20),
            today=date(2026, 6, 20),
            history=later,
        )
    }[ClockKey.SUMMARY]
    assert settled.due_on == date(2026, 6, 9)
    assert settled.status == ClockStatus.MET


def test_a_closure_decided_before_a_clock_settles_counts() -> None:
    """The same closure decided on 3 June (before the investigation concluded) is in force
    while the clock runs: Friday 5 June is closed, so the summary is due Mon 8, Tue 9, Wed 10
    June, and an unsent summary on Wednesday 10 June is due today."""
    before = CalendarHistory.england_and_wales(
        closures=(Closure(day=date(2026, 6, 5), reason="Office move", decided_on=date(2026, 6, 3)),)
    )
    running = {
        c.key: c
        for c in clocks(
            _summary_facts(None), now=at(2026, 6, 10), today=date(2026, 6, 10), history=before
        )
    }[ClockKey.SUMMARY]
    assert running.due_on == date(2026, 6, 10)
    assert running.words == "Due today."


def test_the_2026_phase_lists_the_hazards_the_guidance_announced() -> None:
    """The government's draft guidance (25 June 2025) for 2026: excess cold and heat, the four
    falls, structural collapse and explosions, fire and electrical hazards, and domestic and
    personal hygiene and food safety; 2027: every remaining hazard but crowding and space."""
    phase_2026, phase_2027 = PHASES[1], PHASES[2]
    assert phase_2026.significant == {
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
    assert phase_2027.significant == {h.code for h in HAZARDS} - {"crowding_space"}
    assert not phase_2026.confirmed
    assert not phase_2027.confirmed


def test_an_emergency_hazard_found_runs_the_further_work_clocks_from_the_investigation() -> None:
    """Further work follows a significant *or an emergency* hazard (the government's draft
    guidance, 25 June 2025). Aware Friday 5 December 2025 14:00, investigated 16:00 the same
    day, hazard found, further work needed. Begin within 5 working days of Fri 5 Dec: Mon 8,
    Tue 9, Wed 10, Thu 11, Fri 12 -> Friday 12 December. Physically start within 12 weeks of
    5 Dec: 26 days to 31 Dec, 31 in January, 27 in February = 84 -> Friday 27 February 2026."""
    aware = at(2025, 12, 5, 14)
    facts = HazardFacts(
        aware_at=aware,
        assessment=Assessment.EMERGENCY,
        investigation_concluded_at=aware + timedelta(hours=2),
        hazard_found=True,
        further_work_needed=True,
        safety_work_done_at=aware + timedelta(hours=5),
    )
    found = by_key(facts, at(2025, 12, 10))
    assert found[ClockKey.FURTHER_WORK_BEGIN].due_on == date(2025, 12, 12)
    # From Wed 10 Dec: Thu 11, Fri 12 -> 2 working days left.
    assert found[ClockKey.FURTHER_WORK_BEGIN].words == "2 working days left."
    assert found[ClockKey.FURTHER_WORK_START].due_on == date(2026, 2, 27)
    no_further = HazardFacts(
        aware_at=aware,
        assessment=Assessment.EMERGENCY,
        investigation_concluded_at=aware + timedelta(hours=2),
        hazard_found=True,
        safety_work_done_at=aware + timedelta(hours=5),
    )
    assert set(by_key(no_further, at(2025, 12, 10))) == {
        ClockKey.EMERGENCY_INVESTIGATION,
        ClockKey.EMERGENCY_SAFETY,
    }


def test_an_emergency_not_made_safe_in_24_hours_owes_alternative_accommodation() -> None:
    """Aware Friday 5 December 2025 14:00; not made safe by Saturday 14:00. On Sunday the
    landlord owes the household suitable alternative accommodation until it offers it."""
    aware = at(2025, 12, 5, 14)
    facts = HazardFacts(aware_at=aware, assessment=Assessment.EMERGENCY)
    owed = by_key(facts, at(2025, 12, 7, 10))[ClockKey.ALTERNATIVE_ACCOMMODATION]
    assert owed.status == ClockStatus.OVERDUE
    assert owed.due_at == at(2025, 12, 6, 14)
    assert "offer suitable alternative accommodation" in owed.words
    offered = HazardFacts(
        aware_at=aware, assessment=Assessment.EMERGENCY, accommodation_offered=True
    )
    assert by_key(offered, at(2025, 12, 7))[ClockKey.ALTERNATIVE_ACCOMMODATION].status == (
        ClockStatus.MET
    )
    # Made safe in 20 hours: no accommodation duty arises.
    safe = HazardFacts(
        aware_at=aware,
        assessment=Assessment.EMERGENCY,
        safety_work_done_at=aware + timedelta(hours=20),
    )
    assert ClockKey.ALTERNATIVE_ACCOMMODATION not in by_key(safe, at(2025, 12, 7))
    # Still within the 24 hours: nothing owed yet.
    assert ClockKey.ALTERNATIVE_ACCOMMODATION not in by_key(facts, at(2025, 12, 6, 13))


def test_significant_safety_work_done_late_without_an_offer_missed_the_accommodation_duty() -> None:
    """Investigation concluded Thu 2 Apr 2026; safety work due Mon 13 Apr (Easter: see above),
    done Wed 15 Apr with no accommodation offered: the duty was missed. Decanted on Fri 10 Apr
    instead: the safety clock stops and no accommodation duty shows."""
    late = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        summary_sent_on=date(2026, 4, 7),
        safety_work_done_at=at(2026, 4, 15),
    )
    found = by_key(late, at(2026, 4, 20))
    assert found[ClockKey.SAFETY_WORK].status == ClockStatus.MISSED
    assert found[ClockKey.ALTERNATIVE_ACCOMMODATION].status == ClockStatus.MISSED
    assert found[ClockKey.ALTERNATIVE_ACCOMMODATION].due_on == date(2026, 4, 13)
    decanted = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        decanted_at=at(2026, 4, 10),
    )
    found = by_key(decanted, at(2026, 4, 20))
    assert found[ClockKey.SAFETY_WORK].status == ClockStatus.STOPPED
    assert ClockKey.ALTERNATIVE_ACCOMMODATION not in found


def test_every_clock_cites_its_duty_and_no_number_claims_to_be_verified() -> None:
    """Each clock names its duty and where it comes from. Regulation numbers are given only
    where a retrieved source states them (Reg 6, Reg 9, Reg 11(2)(a) of S.I. 2025/1042, from a
    secondary source), and none is marked verified: nobody here has read them in the
    Regulations' own text."""
    assert set(CITATIONS) == set(CLOCK_LABELS) == set(ClockKey)
    assert "S.I. 2025/1042" in INSTRUMENT
    assert CITATIONS[ClockKey.INVESTIGATION].regulation == "6"
    assert CITATIONS[ClockKey.SUMMARY].regulation == "9"
    assert CITATIONS[ClockKey.SAFETY_WORK].regulation == "11(2)(a)"
    for citation in (*CITATIONS.values(), STOP_CITATION):
        assert citation.duty
        assert citation.source
        assert not citation.verified
        if citation.regulation is not None:
            assert "secondary source" in citation.source


def test_a_further_investigation_finding_no_hazard_stops_the_work_clocks() -> None:
    """Investigation concluded Thu 2 Apr 2026 found a hazard; a further investigation on Wed 8
    April found none (or no work needed): the safety work (due Mon 13 Apr) and further work
    clocks stop and say why; the summary of the first investigation is still owed."""
    facts = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        further_work_needed=True,
        cleared_at=at(2026, 4, 8),
    )
    found = by_key(facts, at(2026, 5, 1))
    safety = found[ClockKey.SAFETY_WORK]
    assert safety.status == ClockStatus.STOPPED
    assert safety.words == "Stopped: a further investigation found no hazard, or no work needed."
    assert found[ClockKey.FURTHER_WORK_START].status == ClockStatus.STOPPED
    assert found[ClockKey.SUMMARY].status == ClockStatus.OVERDUE
    assert ClockKey.ALTERNATIVE_ACCOMMODATION not in found
    # Cleared after the safety work fell due (Tue 14 April): too late to stop it.
    late = HazardFacts(
        aware_at=at(2026, 3, 25),
        assessment=Assessment.SIGNIFICANT,
        investigation_concluded_at=at(2026, 4, 2),
        hazard_found=True,
        cleared_at=at(2026, 4, 14),
    )
    assert by_key(late, at(2026, 5, 1))[ClockKey.SAFETY_WORK].status == ClockStatus.OVERDUE


def test_the_phase_in_force_decides_which_assessments_the_regulations_allow() -> None:
    """Phase 1 (from Monday 27 October 2025): any hazard but crowding and space can be an
    emergency; only damp and mould can be significant. Before that day nothing is in scope.
    Confirming the announced 2026 phase (a data change) lets excess cold be significant."""
    monday = date(2026, 3, 2)
    assert assessment_refusal("damp_mould", "significant", date(2025, 10, 27)) is None
    assert assessment_refusal("electrical", "emergency", monday) is None
    assert assessment_refusal("crowding_space", "not", monday) is None
    assert assessment_refusal("excess_cold", "significant", monday) == (
        "Excess cold cannot be a significant hazard under Phase 1 of Awaab's Law "
        "(only damp and mould growth): assess it as an emergency, or as neither."
    )
    assert assessment_refusal("crowding_space", "emergency", monday) == (
        "Crowding and space cannot be an emergency hazard under Awaab's Law."
    )
    assert assessment_refusal("damp_mould", "significant", date(2025, 10, 26)) == (
        "Awaab's Law applies to hazards the landlord became aware of from 27 October 2025: "
        "assess this one as neither (no clocks)."
    )
    confirmed = tuple(
        Phase(p.name, p.starts, p.emergency, p.significant, True, p.source) for p in PHASES
    )
    assert (
        assessment_refusal("excess_cold", "significant", date(2026, 12, 1), phases=confirmed)
        is None
    )


@pytest.mark.parametrize(
    ("vulnerabilities", "assessment", "prompted"),
    [
        ("Youngest child (2) has asthma", "significant", True),
        ("Tenant is 84 and uses a wheelchair", "not", True),
        ("COPD", Assessment.SIGNIFICANT, True),
        ("Youngest child (2) has asthma", "emergency", False),  # already the 24-hour clocks
        ("", "significant", False),
        ("  None.  ", "significant", False),
        ("N/A", "not", False),
    ],
)
def test_vulnerable_occupiers_prompt_the_emergency_assessment_never_refuse(
    vulnerabilities: str, assessment: str, prompted: bool
) -> None:
    prompt = vulnerability_prompt(vulnerabilities, assessment)
    assert (prompt is not None) == prompted
    if prompt is not None:
        assert "consider whether this is an emergency hazard" in prompt
        assert vulnerabilities not in prompt  # the words stay on the report, not in the record
    # A prompt, never a refusal: the regulations still allow the assessment.
    assert assessment_refusal("damp_mould", str(assessment), date(2026, 3, 2)) is None
