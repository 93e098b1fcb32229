"""The import format: one row per complaint. docs/import.md documents every column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str = ""
    required: bool = False


def _stage_columns(n: int) -> tuple[Column, ...]:
    first = n == 1
    return (
        *(
            ()
            if first
            else (
                Column(
                    "s2_requested_on",
                    "Date the resident asked for stage 2 (escalation request received).",
                    "2025-05-20",
                ),
            )
        ),
        Column(
            f"s{n}_acknowledged_on",
            f"Date stage {n} was acknowledged and defined.",
            "2025-04-09" if first else "2025-05-22",
        ),
        Column(
            f"s{n}_handler",
            f"Username or email of the member of staff who handled stage {n}"
            + ("." if first else " (must differ from stage 1, Code 6.13)."),
            "hamid" if first else "hannah",
        ),
        *(
            (
                Column(
                    "s1_points",
                    "The points complained about, separated by '|'. Blank: the description "
                    "is the one point.",
                    "Leak not repaired | No call back",
                ),
            )
            if first
            else ()
        ),
        Column(f"s{n}_extended_to", f"New stage {n} response due date, if extended.", ""),
        Column(f"s{n}_extension_reason", "Why it was extended (required with an extension).", ""),
        Column(
            f"s{n}_extended_on",
            "Date the extension was agreed. Blank: the original due date.",
            "",
        ),
        Column(
            f"s{n}_resident_told_on",
            "Date the resident was told of the extension, with the Ombudsman's details "
            "(Code 6.5 / 6.16). Blank: not known, and reported as unknown.",
            "",
        ),
        Column(
            f"s{n}_extension_good_reason",
            "The good reason, when the extension goes beyond the Code's cap.",
            "",
        ),
        Column(
            f"s{n}_responded_on",
            f"Date the stage {n} response was sent.",
            "2025-04-17" if first else "2025-06-10",
        ),
        Column(
            f"s{n}_decision",
            "upheld, partly upheld or not upheld (required with a response).",
            "partly upheld" if first else "upheld",
        ),
        Column(f"s{n}_summary", "The response in a sentence or two.", ""),
        Column(
            f"s{n}_remedies",
            "Remedies, separated by ';'; a financial one with its amount: 'financial:150'.",
            "apology; financial:150" if first else "",
        ),
    )


COLUMNS: tuple[Column, ...] = (
    Column("legacy_reference", "The old system's complaint reference.", "OLD-1001", True),
    Column("resident_id", "The old system's resident (or tenancy) id.", "T-0042", True),
    Column("resident_name", "The resident's full name.", "Rosa Bell", True),
    Column("resident_email", "Email address.", "rosa@example.org"),
    Column("resident_phone", "Phone number.", "0300 000 0001"),
    Column(
        "tenure",
        "lcra (low-cost rental), lcho (low-cost home ownership), leasehold, other, or "
        "non_customer.",
        "lcra",
        True,
    ),
    Column("property_ref", "Property reference (UPRN); required unless non_customer.", "100023"),
    Column("address_line_1", "First line of the address (for a new property).", "1 High St"),
    Column("town", "Town (for a new property).", "Exampleton"),
    Column("postcode", "Postcode (for a new property).", "EX1 1AA"),
    Column("channel", "How it was made: phone, letter, email, online form, ...", "phone", True),
    Column("category", "A PutRight category code or name.", "repairs"),
    Column("received_on", "Date anyone at the landlord received it.", "2025-04-07", True),
    Column("logged_on", "Date it was logged, if later than received.", ""),
    Column("description", "What the complaint is about.", "Kitchen ceiling leak", True),
    Column("outcome_wanted", "What the resident wants to happen.", "Fix the leak"),
    *_stage_columns(1),
    *_stage_columns(2),
    Column("excluded_on", "Date the complaint (or escalation) was not accepted.", ""),
    Column("exclusion_ground", "Why not accepted: a ground code or label (see the list).", ""),
    Column("exclusion_reasoning", "The evidence and reasoning (Code 2.1).", ""),
    Column(
        "issue_started_on",
        "When the issue happened (required for over_12_months, Code 2.2).",
        "",
    ),
    Column(
        "became_aware_on",
        "When the resident became aware of it (required for over_12_months, Code 2.3).",
        "",
    ),
    Column(
        "exclusion_discretion_considered",
        "yes/no: was discretion considered (required for over_12_months, Code 2.3).",
        "",
    ),
    Column("withdrawn_on", "Date the resident withdrew it.", ""),
    Column("withdrawal_reason", "What the resident said.", ""),
    Column("closed_on", "Date the complaint was closed after a response.", "2025-06-12"),
    Column("ombudsman_referred_on", "Date the resident went to the Housing Ombudsman.", ""),
    Column("ombudsman_reference", "The Ombudsman's case reference.", ""),
    Column("ombudsman_outcome", "The Ombudsman's finding (see the list).", ""),
    Column("ombudsman_outcome_on", "Date of the Ombudsman's finding.", ""),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

CORRESPONDENCE_SHEET = "Correspondence"
CORRESPONDENCE_COLUMNS: tuple[Column, ...] = (
    Column("legacy_reference", "The complaint it belongs to.", "OLD-1001", True),
    Column("date", "Date sent or received.", "2025-04-08", True),
    Column("direction", "in (received) or out (sent).", "out", True),
    Column("channel", "letter, email, phone, ...", "letter", True),
    Column("counterpart", "Who it was to or from.", "Rosa Bell", True),
    Column("subject", "Subject or title.", "Acknowledgement"),
    Column("summary", "What it said.", "Acknowledged and defined the complaint."),
)
CORRESPONDENCE_NAMES: tuple[str, ...] = tuple(c.name for c in CORRESPONDENCE_COLUMNS)

# Open (and finished) Awaab's Law hazard cases, replayed through the hazards services.
HAZARD_SHEET = "Hazards"
HAZARD_COLUMNS: tuple[Column, ...] = (
    Column("hazard_reference", "The old system's hazard case reference.", "HZ-0007", True),
    Column("legacy_reference", "The complaint it belongs to, if any.", "OLD-1001"),
    Column("resident_id", "The old system's resident id (when there is no complaint).", ""),
    Column("address", "The home's address (when there is no complaint or resident).", ""),
    Column(
        "aware_at",
        "When the landlord became aware: date and time (2025-11-03 09:30), or a date (09:00).",
        "2025-11-03 09:30",
        True,
    ),
    Column("source", "complaint, service_request, intake, staff or other.", "complaint"),
    Column("told_by", "Who told the landlord.", "Rosa Bell, by phone", True),
    Column("hazard", "The HHSRS hazard: a code or its name.", "damp_mould", True),
    Column("assessment", "emergency, significant or not.", "significant", True),
    Column("description", "What was reported.", "Black mould in the bedroom", True),
    Column("occupiers", "Who lives there.", ""),
    Column("vulnerabilities", "Occupiers' vulnerabilities.", ""),
    Column("investigator", "The competent investigator.", ""),
    Column("investigation_concluded_at", "When the investigation concluded.", ""),
    Column("findings", "What the investigation found.", ""),
    Column("hazard_found", "yes/no: did the investigation find a hazard.", ""),
    Column("further_work_needed", "yes/no: is further (preventive) work needed.", ""),
    Column("summary_sent_on", "Date the written summary was sent.", ""),
    Column("safety_work_done_at", "When the home was made safe.", ""),
    Column("safety_work", "What was done to make it safe.", ""),
    Column("further_work_begun_on", "Date further work began.", ""),
    Column("further_work_started_on", "Date further work physically started.", ""),
    Column("further_work", "What the further work is.", ""),
    Column("accommodation", "Alternative accommodation: offered, accepted or refused.", ""),
    Column("accommodation_at", "When it was offered, accepted or refused.", ""),
    Column("stopped", "A fact that stopped the clocks: decanted, consent_refused or cleared.", ""),
    Column("stopped_at", "When that happened.", ""),
    Column("consent_steps", "The reasonable steps taken to obtain consent.", ""),
)
HAZARD_NAMES: tuple[str, ...] = tuple(c.name for c in HAZARD_COLUMNS)
