"""Triage prompts at receipt: prompts for a decision, never an automatic refusal (Code 2.5)."""

from datetime import date

import pytest

from putright.complaints.tests.stories import acknowledged, escalated, received, responded
from putright.complaints.triage import TriagePrompt, triage_prompts
from putright.people.models import ContactRestriction, Representative, Vulnerability

pytestmark = pytest.mark.django_db


def codes(complaint) -> list[str]:
    return [p.code for p in triage_prompts(complaint)]


def test_an_ordinary_complaint_has_no_prompts(rosas_complaint):
    assert triage_prompts(rosas_complaint) == []


def test_an_issue_more_than_twelve_months_old_prompts_discretion(monday, rosa, handler):
    complaint = received(resident=rosa, actor=handler, issue_started_on=date(2024, 11, 1))
    [prompt] = triage_prompts(complaint)
    assert isinstance(prompt, TriagePrompt)
    assert (prompt.code, prompt.provision) == ("time_limit", "2.3")
    assert "1 November 2025" in prompt.detail
    assert "consider discretion" in prompt.detail
    # A prompt only: the complaint is still received and can be acknowledged.
    assert complaint.status == "received"


def test_becoming_aware_recently_keeps_an_old_issue_within_the_limit(monday, rosa, handler):
    complaint = received(
        resident=rosa,
        actor=handler,
        issue_started_on=date(2024, 1, 1),
        became_aware_on=date(2026, 1, 5),
    )
    assert "time_limit" not in codes(complaint)


def test_a_mention_of_court_prompts_a_check_for_filed_legal_proceedings(monday, rosa, handler):
    complaint = received(
        resident=rosa, actor=handler, description="My solicitor has sent a disrepair claim letter."
    )
    [prompt] = triage_prompts(complaint)
    assert prompt.code == "legal_proceedings"
    assert "pre-action letters are not" in prompt.detail


def test_a_solicitor_acting_for_the_resident_prompts_the_same_check(monday, rosa, handler):
    Representative.objects.create(
        resident=rosa, full_name="A Lawyer", relationship="solicitor", email="law@example.org"
    )
    complaint = received(resident=rosa, actor=handler)
    assert codes(complaint) == ["legal_proceedings"]


def test_a_previous_final_response_on_the_same_category_is_flagged(
    monday, rosa, handler, second_handler, category
):
    earlier = received(resident=rosa, actor=handler, category=category)
    earlier = responded(acknowledged(earlier, actor=handler), actor=handler)
    earlier = escalated(earlier, actor=handler)
    earlier = responded(
        acknowledged(earlier, actor=second_handler, handler=second_handler), actor=second_handler
    )
    assert earlier.status == "stage2_responded"
    later = received(resident=rosa, actor=handler, category=category)
    [prompt] = triage_prompts(later)
    assert prompt.code == "previous_final_response"
    assert earlier.reference in prompt.detail
    assert "only the same matter" in prompt.detail


def test_vulnerability_and_restrictions_are_shown_at_triage(monday, rosa, handler):
    Vulnerability.objects.create(
        resident=rosa, description="Lives alone; recent stroke", consent_given=True
    )
    ContactRestriction.objects.create(
        resident=rosa,
        reason="r",
        evidence="e",
        restricts="written_only",
        starts_on=monday,
        review_on=date(2026, 6, 1),
        proportionality="p",
        equality_act_considered="q",
        decided_by=handler,
    )
    complaint = received(resident=rosa, actor=handler)
    prompts = {p.code: p for p in triage_prompts(complaint)}
    assert set(prompts) == {"vulnerable", "contact_restriction"}
    assert prompts["vulnerable"].provision == "6.1"
    assert "accepted and progressed as normal" in prompts["contact_restriction"].detail
