"""Each rule an import row is checked against, with the exact plain-words message."""

import pytest

from putright.complaints.calendar import landlord_history
from putright.imports import checks
from putright.imports import parser as parsing
from putright.imports.checks import Lookups, check_row
from putright.imports.parser import RawRow, open_table
from putright.imports.tests.conftest import TODAY
from putright.imports.tests.sheets import csv_bytes, row
from putright.rules.exclusions import ISSUE_DATE_NEEDED, REASONING_TOO_SHORT
from putright.rules.profile import get_profile


@pytest.fixture
def lookups(db):
    return Lookups.load(today=TODAY, calendar=landlord_history(), profile=get_profile("hos-2024"))


def issues_for(lookups, **changes) -> list[tuple[str, str]]:
    values = {k: v for k, v in row(**changes).items() if v}
    plan, issues = check_row(RawRow(number=7, values=values), lookups)
    assert (plan is None) == bool(issues)
    assert all(i.row == 7 for i in issues)
    return [(i.column, i.message) for i in issues]


def test_a_complete_row_passes_and_plans_every_step(lookups):
    plan, issues = check_row(RawRow(number=2, values=row()), lookups)
    assert issues == []
    assert plan.steps() == ["receive", "acknowledge_1", "respond_1", "close"]
    assert plan.stages[0].points == ["Leak not repaired", "Nobody called back"]
    assert plan.values["s1_decision"] == "partly_upheld"


GROUNDS = ", ".join(sorted(g.code for g in get_profile("hos-2024").exclusion_grounds))
REMEDIES = ", ".join(sorted(r.code for r in get_profile("hos-2024").remedy_types))

RULES = [
    pytest.param({"received_on": ""}, ("received_on", checks.MISSING), id="missing-required-value"),
    pytest.param({"resident_name": ""}, ("resident_name", checks.MISSING), id="missing-name"),
    pytest.param(
        {"postcode": "EX1 1AA EX1 1AA"}, ("postcode", checks.TOO_LONG.format(n=10)), id="too-long"
    ),
    pytest.param(
        {"category": "Gas"},
        ("category", checks.UNKNOWN_CATEGORY.format(value="Gas", known="damp-mould, repairs")),
        id="unknown-category",
    ),
    pytest.param(
        {"s1_responded_on": "2025-04-08"},
        (
            "s1_responded_on",
            checks.DATED_BEFORE.format(
                what="stage 1 response",
                value="2025-04-08",
                other="acknowledgement",
                other_value="2025-04-09",
            ),
        ),
        id="response-before-acknowledgement",
    ),
    pytest.param(
        {
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "s2_requested_on": "2025-05-01",
        },
        ("s2_requested_on", checks.STAGE2_WITHOUT_STAGE1),
        id="stage-2-without-stage-1",
    ),
    pytest.param(
        {"closed_on": "2026-03-03"},
        ("closed_on", checks.FUTURE_DATE.format(value="2026-03-03")),
        id="date-in-the-future",
    ),
    pytest.param(
        {"received_on": "7th April"},
        ("received_on", checks.NOT_A_DATE.format(value="7th April")),
        id="not-a-date",
    ),
    pytest.param(
        {
            "s1_acknowledged_on": "",
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-08",
            "exclusion_ground": "too late",
            "exclusion_reasoning": "Issue from 2022.",
        },
        ("exclusion_ground", checks.UNKNOWN_GROUND.format(value="too late", known=GROUNDS)),
        id="unknown-exclusion-ground",
    ),
    pytest.param(
        {"s1_remedies": "apology; voucher"},
        ("s1_remedies", checks.UNKNOWN_REMEDY.format(value="voucher", known=REMEDIES)),
        id="unknown-remedy-type",
    ),
    pytest.param(
        {"s1_remedies": "financial"},
        ("s1_remedies", checks.FINANCIAL_NEEDS_AMOUNT),
        id="financial-remedy-without-amount",
    ),
    pytest.param(
        {"s1_remedies": "apology:20"},
        ("s1_remedies", checks.AMOUNT_ONLY_FINANCIAL.format(value="20")),
        id="amount-on-a-non-financial-remedy",
    ),
    pytest.param(
        {"s1_remedies": "financial:lots"},
        ("s1_remedies", checks.NOT_AN_AMOUNT.format(value="lots")),
        id="amount-not-money",
    ),
    pytest.param(
        {"channel": "carrier pigeon"},
        (
            "channel",
            checks.UNKNOWN_CHANNEL.format(
                value="carrier pigeon", known=", ".join(sorted(c.value for c in checks.Channel))
            ),
        ),
        id="unknown-channel",
    ),
    pytest.param(
        {"tenure": "freehold"},
        (
            "tenure",
            checks.UNKNOWN_TENURE.format(
                value="freehold", known="lcho, lcra, leasehold, non_customer, other"
            ),
        ),
        id="unknown-tenure",
    ),
    pytest.param(
        {"property_ref": ""}, ("property_ref", checks.PROPERTY_NEEDED), id="tenancy-needs-home"
    ),
    pytest.param(
        {"s1_handler": "zoe"},
        ("s1_handler", checks.UNKNOWN_HANDLER.format(value="zoe")),
        id="unknown-handler",
    ),
    pytest.param(
        {"s1_decision": ""}, ("s1_decision", checks.MISSING), id="response-without-decision"
    ),
    pytest.param(
        {"s1_decision": "half"},
        ("s1_decision", checks.UNKNOWN_DECISION.format(value="half")),
        id="unknown-decision",
    ),
    pytest.param(
        {"s1_acknowledged_on": "2025-04-04"},
        (
            "s1_acknowledged_on",
            checks.DATED_BEFORE.format(
                what="stage 1 acknowledgement",
                value="2025-04-04",
                other="receipt",
                other_value="2025-04-07",
            ),
        ),
        id="acknowledged-before-received",
    ),
    pytest.param(
        {"s1_acknowledged_on": "", "s1_decision": "", "s1_remedies": "", "closed_on": ""},
        (
            "s1_responded_on",
            checks.NEEDS.format(
                what="A stage 1 response",
                other="the acknowledgement date",
                column="s1_acknowledged_on",
            ),
        ),
        id="response-without-acknowledgement",
    ),
    pytest.param(
        # Due 25 April; the cap is 10 working days (9 May); 16 May is 14 (5 May is a holiday).
        {
            "s1_extended_to": "2025-05-16",
            "s1_extension_reason": "Survey",
            "s1_responded_on": "2025-05-15",
            "closed_on": "2025-05-16",
        },
        (
            "s1_extension_good_reason",
            checks.BEYOND_CAP.format(value="2025-05-16", days=14, cap=10, n=1, provision="6.4"),
        ),
        id="extension-beyond-cap-without-good-reason",
    ),
    pytest.param(
        {"s1_extended_to": "2025-04-24", "s1_extension_reason": "Survey"},
        ("s1_extended_to", checks.EXTENSION_NOT_LATER.format(due="2025-04-25")),
        id="extension-not-later-than-the-due-date",
    ),
    pytest.param(
        {"s1_extended_to": "2025-05-02"},
        ("s1_extension_reason", checks.MISSING),
        id="extension-without-reason",
    ),
    pytest.param(
        {"closed_on": "", "withdrawn_on": "2025-04-23"},
        ("withdrawn_on", checks.WITHDRAWN_NOT_OPEN),
        id="withdrawn-after-response",
    ),
    pytest.param(
        {"s1_responded_on": "", "s1_decision": "", "s1_remedies": ""},
        ("closed_on", checks.CLOSED_WITHOUT_RESPONSE),
        id="closed-without-response",
    ),
    pytest.param(
        {"withdrawn_on": "2025-04-23"},
        ("closed_on", checks.ENDED_TWICE),
        id="closed-and-withdrawn",
    ),
    pytest.param(
        {
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-10",
            "exclusion_ground": "asb",
            "exclusion_reasoning": "ASB case.",
        },
        ("excluded_on", checks.EXCLUDED_AFTER_ACK.format(n=1)),
        id="excluded-after-acknowledgement",
    ),
    pytest.param(
        {
            "s1_acknowledged_on": "",
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-08",
            "exclusion_ground": "over_12_months",
            "exclusion_reasoning": "Issue from 2022.",
        },
        ("exclusion_discretion_considered", checks.DISCRETION_NOT_CONSIDERED),
        id="twelve-months-without-discretion",
    ),
    pytest.param(
        {
            "s1_acknowledged_on": "",
            "s1_points": "",
            "s1_outcomes_sought": "",
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-08",
            "exclusion_ground": "over_12_months",
            "exclusion_reasoning": "Issue from 2022.",
            "exclusion_discretion_considered": "yes",
        },
        ("issue_started_on", ISSUE_DATE_NEEDED),
        id="twelve-months-without-the-issue-date",
    ),
    pytest.param(
        {
            "s1_acknowledged_on": "",
            "s1_points": "",
            "s1_outcomes_sought": "",
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-08",
            "exclusion_ground": "over_12_months",
            "exclusion_reasoning": "x",
            "exclusion_discretion_considered": "yes",
            "issue_started_on": "2022-05-01",
            "became_aware_on": "2022-05-01",
        },
        ("exclusion_reasoning", REASONING_TOO_SHORT.format(words=12)),
        id="twelve-months-with-token-reasoning",
    ),
    pytest.param(
        {
            "s1_acknowledged_on": "",
            "s1_responded_on": "",
            "s1_decision": "",
            "s1_remedies": "",
            "closed_on": "",
            "excluded_on": "2025-04-08",
            "exclusion_ground": "asb",
        },
        ("exclusion_reasoning", checks.MISSING),
        id="exclusion-without-reasoning",
    ),
    pytest.param(
        {"s2_acknowledged_on": "2025-05-01"},
        ("s2_acknowledged_on", checks.STAGE2_NEEDS_REQUEST),
        id="stage-2-details-without-request",
    ),
    pytest.param(
        {"closed_on": "", "s2_requested_on": "2025-04-16"},
        (
            "s2_requested_on",
            checks.DATED_BEFORE.format(
                what="escalation request",
                value="2025-04-16",
                other="stage 1 response",
                other_value="2025-04-17",
            ),
        ),
        id="escalated-before-stage-1-response",
    ),
    pytest.param(
        {"closed_on": "", "s2_requested_on": "2025-04-23", "s2_handler": "hamid"},
        ("s2_handler", checks.SAME_HANDLER),
        id="same-handler-both-stages",
    ),
    pytest.param(
        {
            "closed_on": "",
            "s2_requested_on": "2025-04-23",
            "s2_acknowledged_on": "2025-04-24",
            "s2_responded_on": "2025-05-20",
            "s2_decision": "upheld",
        },
        ("s2_handler", checks.STAGE2_NEEDS_HANDLER),
        id="stage-2-response-without-a-handler",
    ),
    pytest.param(
        {"ombudsman_outcome": "maladministration", "ombudsman_outcome_on": "2025-09-01"},
        ("ombudsman_referred_on", checks.MISSING),
        id="ombudsman-outcome-without-referral",
    ),
    pytest.param(
        {
            "ombudsman_referred_on": "2025-06-01",
            "ombudsman_outcome": "maladministration",
            "ombudsman_outcome_on": "2025-05-01",
        },
        (
            "ombudsman_outcome_on",
            checks.DATED_BEFORE.format(
                what="Ombudsman's outcome",
                value="2025-05-01",
                other="referral",
                other_value="2025-06-01",
            ),
        ),
        id="ombudsman-outcome-before-referral",
    ),
    pytest.param(
        {
            "ombudsman_referred_on": "2025-06-01",
            "ombudsman_outcome": "guilty",
            "ombudsman_outcome_on": "2025-07-01",
        },
        (
            "ombudsman_outcome",
            checks.UNKNOWN_OMBUDSMAN_OUTCOME.format(
                value="guilty",
                known=", ".join(
                    sorted(
                        c.value
                        for c in checks.ReferralOutcome
                        if c != checks.ReferralOutcome.PENDING
                    )
                ),
            ),
        ),
        id="unknown-ombudsman-outcome",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), RULES)
def test_each_rule_names_the_row_the_column_and_what_is_wrong(lookups, changes, expected):
    assert expected in issues_for(lookups, **changes)


def test_labels_and_uk_dates_are_understood(lookups):
    found = issues_for(
        lookups,
        channel="Passed on by a contractor",
        category="Damp and mould",
        received_on="07/04/2025",
        s1_decision="Partly upheld",
        s1_remedies="Apology; Financial remedy:£1,250.50",
    )
    assert found == []


def test_a_non_customer_needs_no_home(lookups):
    assert issues_for(lookups, tenure="non_customer", property_ref="") == []


def test_bad_encoding_is_reported_on_the_row_that_has_it():
    data = csv_bytes(row(), row(legacy_reference="OLD-2"))
    latin1 = data.replace(b"Rosa Bell", "Zoë Bell".encode("latin-1"), 1)
    rows = list(open_table(latin1, "h.csv").rows())
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].bad_encoding == parsing.BAD_ENCODING.format(byte="0xEB")
    assert rows[1].bad_encoding == ""


def test_a_byte_order_mark_and_a_quoted_line_break_keep_rows_numbered(lookups):
    data = "\ufeff".encode() + csv_bytes(
        row(description="Line one\nline two"), row(legacy_reference="OLD-2")
    )
    rows = list(open_table(data, "h.csv").rows())
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values["legacy_reference"] == "OLD-1001"
    assert rows[0].values["description"] == "Line one\nline two"


def test_a_missing_required_column_stops_the_file():
    data = csv_bytes(row(), columns=("legacy_reference", "resident_id"))
    table = open_table(data, "h.csv")
    assert parsing.MISSING_COLUMN.format(name="received_on") in table.problems


def test_an_unknown_column_is_a_warning_only():
    data = csv_bytes(row(), columns=(*row().keys(), "colour"))
    table = open_table(data, "h.csv")
    assert table.problems == []
    assert table.warnings == [parsing.UNKNOWN_COLUMN.format(name="colour")]


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    assert open_table(b"%PDF-1.4", "history.pdf").problems == [parsing.NOT_A_SPREADSHEET]
    assert open_table(b"PK\x03\x04broken", "history.xlsx").problems == [parsing.UNREADABLE_XLSX]
