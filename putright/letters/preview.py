"""Sample data for previewing a letter template before it is saved (no case needed)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from putright.core.profile import current_profile
from putright.letters import conf
from putright.letters.constants import LetterKind

SAMPLE_REFERENCE = "CMP-2026-000123"


def sample_context(kind: str, *, stage: int = 1) -> dict[str, Any]:
    """Realistic example data with every element of `kind` filled in."""
    profile = current_profile()
    rule = profile.stage(stage)
    today = timezone.localdate()

    def later(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    definition = {
        "points": [
            {"number": 1, "text": "The kitchen ceiling leak reported in January is not fixed."},
            {"number": 2, "text": "Nobody called back after a visit was promised."},
        ],
        "outcomes_sought": "Fix the leak, redecorate the kitchen and apologise.",
        "responsible_for": "The roof and repair appointments.",
        "not_responsible_for": "Contents insurance for damaged belongings.",
        "to_clarify": "",
    }
    stage_data = {"number": rule.number, "name": rule.name, "is_final": rule.is_final}
    ombudsman = conf.ombudsman_contact(profile)
    samples: dict[str, dict[str, Any]] = {
        LetterKind.ACKNOWLEDGEMENT: {
            "stage": stage_data,
            "definition": definition,
            "responsibility": {
                "responsible_for": definition["responsible_for"],
                "not_responsible_for": definition["not_responsible_for"],
            },
            "next_steps": {
                "response_due": later(14),
                "handler": "Hamid Shah",
                "working_days": rule.response_limit,
            },
            "ombudsman": ombudsman,
        },
        LetterKind.EXTENSION: {
            "stage": stage_data,
            "reason": "We are waiting for the roofing contractor's survey.",
            "new_date": later(21),
            "previous_date": later(7),
            "update_interval": "5 working days",
            "ombudsman": ombudsman,
        },
        LetterKind.REFUSAL: {
            "stage": stage_data,
            "ground": "Legal proceedings have started",
            "explanation": "A claim about the same repairs was filed at court on 3 February.",
            "contact_instead": {
                "text": "The court dealing with the claim.",
                "us": {
                    "phone": conf.landlord()["phone"],
                    "email": conf.landlord()["complaints_email"],
                },
            },
            "ombudsman_right": ombudsman,
        },
        LetterKind.RESPONSE: {
            "stage": stage_data,
            "definition": definition,
            "summary": "We are sorry: the leak should have been repaired in January.",
            "decisions": [
                {
                    "point": 1,
                    "point_text": definition["points"][0]["text"],
                    "outcome": "upheld",
                    "outcome_label": "Upheld",
                    "reasons": "Our records show the repair was booked but not done.",
                },
                {
                    "point": 2,
                    "point_text": definition["points"][1]["text"],
                    "outcome": "partly_upheld",
                    "outcome_label": "Partly upheld",
                    "reasons": "We called once, but did not leave a message.",
                },
            ],
            "remedy": {
                "items": [
                    {
                        "type": "financial",
                        "type_label": "Financial remedy",
                        "description": "Compensation for the time without a usable kitchen.",
                        "due_on": later(10),
                        "amount": "150.00",
                    }
                ],
                "none_reason": "",
            },
            "outstanding_actions": {
                "items": [
                    {
                        "description": "Replace the cracked roof tiles above the kitchen.",
                        "due_on": later(21),
                        "owner": "Roofing contractor",
                    }
                ],
                "none": "",
            },
            "escalation": {},  # filled below from the profile
            "learning": "",
        },
        LetterKind.UPDATE: {
            "stage": stage_data,
            "progress": "The roofer visited on Tuesday; the report is due this week.",
            "next_update": later(7),
        },
        LetterKind.COMPLETION: {
            "completed": {
                "what": "action",
                "description": "Replace the cracked roof tiles above the kitchen.",
                "completed_on": today.isoformat(),
                "note": "",
            }
        },
        LetterKind.SURVEY_FOLLOW_UP: {
            "how_to_complain": {
                "email": conf.landlord()["complaints_email"],
                "phone": conf.landlord()["phone"],
                "address": conf.landlord()["address"],
            }
        },
        LetterKind.HAZARD_SUMMARY: {
            "hazard_label": "Damp and mould growth",
            "investigator": "Dev Patel, damp surveyor",
            "concluded_on": today.isoformat(),
            "findings": "Condensation mould in the bedroom from a failed extractor fan.",
            "hazard_found": True,
            "work": [
                {
                    "what": "Safety work to make your home safe",
                    "timescale": "within 5 working days of the investigation",
                    "due_on": later(7),
                }
            ],
            "how_to_complain": {
                "email": conf.landlord()["complaints_email"],
                "phone": conf.landlord()["phone"],
                "address": conf.landlord()["address"],
            },
        },
        LetterKind.EXCEPTIONAL_DELAY: {
            "stage": stage_data,
            "circumstances": "A fire at our repairs depot destroyed our records and vans; "
            "our repairs and complaints teams are working from temporary offices.",
            "expected": later(30),
            "ombudsman_right": ombudsman,
        },
        LetterKind.PORTAL_LINK: {
            "link": "https://putright.example/portal/sign-in/abc123",
            "expires_in_minutes": 30,
        },
    }
    data = samples[LetterKind(kind)]
    if kind == LetterKind.RESPONSE:
        from putright.letters.context import _escalation

        data["escalation"] = _escalation(profile, stage)
    if kind in {LetterKind.ACKNOWLEDGEMENT, LetterKind.REFUSAL, LetterKind.RESPONSE}:
        # Shown only to some residents (policy 5.3, 5.5); the preview shows every element.
        data["non_customer"] = conf.NON_CUSTOMER_CAVEAT
        data["building_safety"] = conf.building_safety_regulator()
    return data
