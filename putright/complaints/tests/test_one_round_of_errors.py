"""One round of errors (GOV.UK error summary): a form shows every problem with what was sent at
once. Each case posts a submission that is wrong in several ways, then the same submission
with only the fields the first round named put right; the second round must be clean: no
check that ran only after the field checks passed (a form-level rule, or the service's
refusal after the form validated) may appear then.

Each case is (url, the wrong submission, a right one); the fields named in round 1 are taken
from the right one. Dates are 'today' (Monday 2 March 2026, the `monday` fixture) relative.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import pytest

from putright.complaints import services
from putright.complaints.tests.stories import acknowledged, escalated, responded, roof_repair

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


@dataclass
class Case:
    url: Callable[[Any], str]
    wrong: Callable[[Any], dict]
    right: Callable[[Any], dict]
    who: str = "handler"  # or "officer", "public"
    # How far the complaint has gone: received, acknowledged, responded (stage 1, with an
    # apology to do), "responded with an action", escalated (stage 2, unassigned) or referred
    # (responded, and referred to the Ombudsman today).
    state: str = "received"
    # Pages answered first (the public form's questions come in order).
    before: list[tuple[str, dict]] = field(default_factory=list)


def errors(response) -> dict[str, list[str]]:
    """The error summary's entries: field id (without "id_") -> messages."""
    page = response.content.decode()
    found: dict[str, list[str]] = {}
    start = page.find("govuk-error-summary__list")
    if start < 0:
        return found
    summary = page[start : page.index("</ul>", start)]
    for href, text in re.findall(r'<a href="#([^"]*)">(.*?)</a>', summary, re.S):
        found.setdefault(href.removeprefix("id_"), []).append(unescape(text).strip())
    return found


def fixed(wrong: dict, right: dict, named: dict) -> dict:
    """The wrong submission with only the fields round 1 named taken from the right one."""
    data = dict(wrong)
    for name in named:
        # A day, month and year field: its error may be on the day box; its value is sent
        # whole (ISO) or as three boxes. Only that field: "outcome" is not "outcome_on".
        base = name.removesuffix("_day")
        keys = {base, f"{base}_day", f"{base}_month", f"{base}_year"}
        for key, value in right.items():
            if key in keys:
                data[key] = value
        if name == "form-start":  # an error about the whole form: send the right one
            data = dict(right)
    return data


def extend_url(c: Any) -> str:
    return f"/complaints/{c.reference}/extend/"


def remedy_pk(c: Any) -> str:
    return str(c.remedies.get().pk)


def action_pk(c: Any) -> str:
    return str(c.outstanding_actions.get().pk)


def referral_pk(c: Any) -> str:
    return str(c.ombudsman_referrals.get().pk)


def stage_1_handler_pk(c: Any) -> str:
    return str(c.stages.get(number=1).handler_id)


CASES: dict[str, Case] = {
    # --- the public form -----------------------------------------------------------------
    "public about-you": Case(
        url=lambda c: "/complain/about-you/",
        wrong=lambda c: {"full_name": "", "email": "not-an-email", "phone": "123"},
        right=lambda c: {
            "full_name": "Amira Khan",
            "email": "amira@example.org",
            "phone": "07700 900123",
            "is_customer": "yes",
        },
        who="public",
    ),
    "public what-happened": Case(
        url=lambda c: "/complain/what-happened/",
        wrong=lambda c: {
            "description": "",
            "started_day": "9",
            "started_month": "2",
            "started_year": "2099",
        },
        right=lambda c: {
            "description": "The lift is broken.",
            "started_day": "9",
            "started_month": "2",
            "started_year": "2026",
        },
        who="public",
        before=[
            (
                "/complain/about-you/",
                {"full_name": "Amira Khan", "email": "amira@example.org", "is_customer": "yes"},
            ),
            ("/complain/someone-else/", {"on_behalf": "no"}),
        ],
    ),
    # --- staff: logging and case actions ---------------------------------------------------
    "log a complaint": Case(
        url=lambda c: "/complaints/new/",
        wrong=lambda c: {
            "channel": "phone",
            "received_on": "2026-03-09",  # in the future
            "description": "",
            "new_resident_name": "Sam Khan",
            "new_postcode": "not a postcode",
        },
        right=lambda c: {
            "channel": "phone",
            "received_on": MONDAY,
            "description": "The lift is broken.",
            "new_resident_name": "Sam Khan",
            "new_address_line_1": "7 Station Road",
            "new_town": "Exampleton",
            "new_postcode": "EX4 7TT",
            "new_tenure": "lcho",
        },
    ),
    "acknowledge": Case(
        url=lambda c: f"/complaints/{c.reference}/acknowledge/",
        wrong=lambda c: {
            "points": "",
            "outcomes_sought": "",
            "responsible_for": "The roof.",
            "acknowledged_on": "2026-02-20",  # before the complaint was received
        },
        right=lambda c: {
            "points": "The leak.",
            "outcomes_sought": "Fix it.",
            "responsible_for": "The roof.",
            "acknowledged_on": MONDAY,
        },
    ),
    "extend": Case(
        url=extend_url,
        state="acknowledged",
        wrong=lambda c: {
            "new_due": "2026-06-01",  # far beyond the cap, with no good reason
            "reason": "",
            "resident_informed_on": MONDAY,
            "update_interval_days": "5",
            "good_reason": "",
        },
        right=lambda c: {
            "new_due": "2026-03-23",
            "reason": "Waiting for a survey.",
            "resident_informed_on": MONDAY,
            "update_interval_days": "5",
            "good_reason": "The surveyor is booked for May.",
        },
    ),
    "do not accept (12-month ground)": Case(
        url=lambda c: f"/complaints/{c.reference}/exclude/",
        wrong=lambda c: {"ground": "over_12_months", "reasoning": "", "decided_on": MONDAY},
        right=lambda c: {
            "ground": "over_12_months",
            "reasoning": "The leak was repaired in January 2024 and the resident told us "
            "about it at the time, more than two years before complaining.",
            "discretion_considered": "on",
            "issue_started_on": "2024-01-10",
            "became_aware_on": "2024-01-10",
            "decided_on": MONDAY,
        },
    ),
    "add a note": Case(
        url=lambda c: f"/complaints/{c.reference}/note/",
        wrong=lambda c: {},
        right=lambda c: {"text": "Rang Rosa back.", "body": "Rang Rosa back."},
    ),
    "withdraw": Case(
        url=lambda c: f"/complaints/{c.reference}/withdraw/",
        wrong=lambda c: {"reason": "", "withdrawn_on": "2026-02-20"},  # before it was received
        right=lambda c: {"reason": "Rosa says it is fixed.", "withdrawn_on": MONDAY},
    ),
    "close": Case(
        url=lambda c: f"/complaints/{c.reference}/close/",
        wrong=lambda c: {"reason": "", "closed_on": "2026-02-20"},  # before the response
        right=lambda c: {"reason": "Answered; nothing outstanding.", "closed_on": MONDAY},
        state="responded",
    ),
    "correspondence": Case(
        url=lambda c: f"/complaints/{c.reference}/correspondence/",
        wrong=lambda c: {
            "direction": "in",
            "channel": "",
            "counterpart": "Rosa Bell",
            "subject": "",
            "body": "",
            "occurred_on": MONDAY,
        },
        right=lambda c: {
            "direction": "in",
            "channel": "email",
            "counterpart": "Rosa Bell",
            "body": "Rosa sent photos of the ceiling.",
            "occurred_on": MONDAY,
        },
    ),
    # --- staff: answering, escalating, the Ombudsman, follow-ups --------------------------
    "draft the response": Case(
        url=lambda c: f"/complaints/{c.reference}/respond/",
        state="acknowledged",
        wrong=lambda c: {
            "summary": "",
            "outcome_1": "upheld",
            "reasons_1": "The leak should have been repaired in January.",
            "outcome_2": "not_upheld",
            "reasons_2": "The contractor came within the time we promised.",
            "remedy_0_type": "financial",
            "remedy_0_description": "",  # the service checks the row: what, and how much
            "remedy_0_due_on": "2026-03-16",
            "remedy_0_deviation_reason": "Agreed with the resident for the carpet.",
        },
        right=lambda c: {
            "summary": "We are sorry: the leak should have been repaired in January.",
            "outcome_1": "upheld",
            "reasons_1": "The leak should have been repaired in January.",
            "outcome_2": "not_upheld",
            "reasons_2": "The contractor came within the time we promised.",
            "remedy_0_type": "financial",
            "remedy_0_description": "Compensation for the damaged carpet.",
            "remedy_0_due_on": "2026-03-16",
            "remedy_0_amount": "150.00",
            "remedy_0_deviation_reason": "Agreed with the resident for the carpet.",
        },
    ),
    "assign stage 2": Case(
        url=lambda c: f"/complaints/{c.reference}/assign/",
        who="officer",
        state="escalated",
        wrong=lambda c: {
            "handler": stage_1_handler_pk(c),  # handled stage 1 (Code 6.13)
            "conflict": "declared",
            "conflict_detail": "",  # a declared conflict says what it is
            "conflict_override_reason": "",
        },
        right=lambda c: {
            "handler": str(c.second_handler.pk),
            "conflict": "declared",
            "conflict_detail": "Hannah's cousin lives in the block.",
            "conflict_override_reason": "Nobody else is free; the cousin is not involved.",
        },
    ),
    "escalate": Case(
        url=lambda c: f"/complaints/{c.reference}/escalate/",
        state="responded",
        wrong=lambda c: {"requested_on": "2026-02-20", "reason": ""},  # before the response
        right=lambda c: {"requested_on": MONDAY, "reason": ""},
    ),
    "record an Ombudsman referral": Case(
        url=lambda c: f"/complaints/{c.reference}/ombudsman/",
        state="responded",
        wrong=lambda c: {"referred_on": "2026-03-09", "ombudsman_reference": ""},  # future
        right=lambda c: {"referred_on": MONDAY, "ombudsman_reference": "202612345"},
    ),
    "record the Ombudsman's finding": Case(
        url=lambda c: f"/complaints/{c.reference}/ombudsman-outcome/",
        state="referred",
        wrong=lambda c: {
            "referral": referral_pk(c),
            "outcome": "",
            "outcome_on": "2026-02-20",  # before the referral
        },
        right=lambda c: {
            "referral": referral_pk(c),
            "outcome": "maladministration",
            "outcome_on": MONDAY,
        },
    ),
    "complete a remedy": Case(
        url=lambda c: f"/complaints/{c.reference}/complete-remedy/",
        state="responded",
        wrong=lambda c: {"item": "", "completed_on": "2026-02-20"},  # before the response
        right=lambda c: {"item": remedy_pk(c), "completed_on": MONDAY},
    ),
    "complete an action": Case(
        url=lambda c: f"/complaints/{c.reference}/complete-action/",
        state="responded with an action",
        wrong=lambda c: {"item": "", "completed_on": "2026-02-20"},  # before the response
        right=lambda c: {"item": action_pk(c), "completed_on": MONDAY},
    ),
    # --- staff: a resident's record --------------------------------------------------------
    "add a representative": Case(
        url=lambda c: f"/people/{c.resident_id}/representatives/",
        wrong=lambda c: {
            "rep-full_name": "",
            "rep-relationship": "relative",
            "rep-scope": "all",
            "rep-authorised_on": "2026-02-01",
            "rep-expires_on": "2026-01-01",  # before the authorisation
        },
        right=lambda c: {
            "rep-full_name": "Dan Bell",
            "rep-relationship": "relative",
            "rep-email": "dan@example.org",
            "rep-form_received": "on",
            "rep-scope": "all",
            "rep-authorised_on": "2026-02-01",
            "rep-expires_on": "2027-02-01",
        },
    ),
    "add a contact restriction": Case(
        url=lambda c: f"/people/{c.resident_id}/restrictions/",
        wrong=lambda c: {
            "res-restricts": "written_only",
            "res-reason": "",
            "res-evidence": "Call log of 3 March.",
            "res-proportionality": "Email stays open.",
            "res-equality_act_considered": "Yes, no disability known.",
            "res-starts_on": MONDAY,
            "res-review_on": "2026-02-01",  # before it starts
        },
        right=lambda c: {
            "res-restricts": "written_only",
            "res-reason": "Abusive calls to staff.",
            "res-evidence": "Call log of 3 March.",
            "res-proportionality": "Email stays open.",
            "res-equality_act_considered": "Yes, no disability known.",
            "res-starts_on": MONDAY,
            "res-review_on": "2026-06-01",
        },
    ),
}


@pytest.fixture
def case_for(client, handler, officer, second_handler, complaint):
    def make(case: Case) -> Any:
        if case.who != "public":
            client.force_login(officer if case.who == "officer" else handler)
        complaint.second_handler = second_handler
        if case.state == "received":
            return complaint
        opened = acknowledged(complaint, actor=handler)
        if case.state == "acknowledged":
            return opened
        if case.state == "responded with an action":
            answered = responded(opened, actor=handler, actions=[roof_repair()])
        else:
            answered = responded(opened, actor=handler)
        answered.second_handler = second_handler
        if case.state == "escalated":
            stage_2 = escalated(answered, actor=handler)
            stage_2.second_handler = second_handler
            return stage_2
        if case.state == "referred":
            services.ombudsman_referral_record(
                complaint=answered, referred_on=answered.received_on, actor=handler
            )
        return answered

    return make


@pytest.mark.parametrize("name", list(CASES))
def test_every_error_is_shown_in_one_round(client, monday, case_for, name):
    case = CASES[name]
    complaint = case_for(case)
    for page, answers in case.before:
        assert client.post(page, answers).status_code == 302
    url = case.url(complaint)
    # Staff forms that ask "Are you sure?" are sent confirmed: a refusal after the
    # confirmation would be a second round too.
    confirmed = {"confirmed": "yes"} if case.who != "public" else {}
    wrong = {**case.wrong(complaint), **confirmed}
    first = client.post(url, wrong)
    round_one = errors(first)
    assert round_one, f"{name}: no error summary for the wrong submission ({first.status_code})"
    second = client.post(url, fixed(wrong, {**case.right(complaint), **confirmed}, round_one))
    round_two = errors(second)
    assert round_two == {}, (
        f"{name}: a second round of errors after the first was put right.\n"
        f"round 1: {round_one}\nround 2: {round_two}"
    )
