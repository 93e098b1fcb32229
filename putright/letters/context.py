"""Letter contexts: the data each letter is built from, taken from the case record.

Contexts are plain JSON (dates as ISO strings) so a letter keeps exactly the data it was
built from, and the gate checks data – never prose.
"""

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from putright.complaints.constants import Outcome
from putright.complaints.models import (
    Complaint,
    Exclusion,
    Extension,
    OutstandingAction,
    Remedy,
    Response,
    Stage,
)
from putright.complaints.services import ActionInput, DecisionInput, RemedyInput, ResponseInput
from putright.core.profile import current_profile
from putright.letters.conf import (
    NON_CUSTOMER_CAVEAT,
    building_safety_regulator,
    landlord,
    ombudsman_contact,
)
from putright.letters.recipients import REPRESENTATIVE, Recipient
from putright.people.models import Resident
from putright.people.selectors import ContactTerms, contact_terms
from putright.rules.profile import CodeProfile, get_profile


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _profile(complaint: Complaint | None) -> CodeProfile:
    return get_profile(complaint.profile_code) if complaint else current_profile()


def base_context(
    *, resident: Resident, recipient: Recipient, complaint: Complaint | None = None
) -> dict[str, Any]:
    """What every letter has: letterhead, recipient, date, reference, and how to contact us
    under any contact restriction in force (Code 5.14: it shapes the letter, never stops it)."""
    home = (complaint.home if complaint else None) or resident.home
    return {
        "landlord": landlord(),
        # Policy 5.5 and 5.3: shown (and then required by the gate) only where they apply.
        "non_customer": "" if resident.is_customer else NON_CUSTOMER_CAVEAT,
        "building_safety": building_safety_regulator() if home and home.high_rise else {},
        # A restriction on the resident's contact does not bind their representative.
        "contact": asdict(
            ContactTerms()
            if recipient.role == REPRESENTATIVE
            else contact_terms(resident, on=timezone.localdate())
        ),
        "recipient": recipient.as_context(),
        "resident_name": resident.full_name,
        "on_behalf": recipient.role != "resident",
        "reference": complaint.reference if complaint else "",
        "date": _iso(timezone.localdate()),
    }


def _stage_points(complaint: Complaint, stage: Stage) -> list[Any]:
    # The definition as it stood at this stage: points added at a later stage belong there.
    return [p for p in complaint.points.all() if p.added_at_stage <= stage.number]


def _definition(complaint: Complaint, stage: Stage) -> dict[str, Any]:
    return {
        "points": [{"number": p.number, "text": p.text} for p in _stage_points(complaint, stage)],
        "outcomes_sought": stage.outcomes_sought,
        "responsible_for": stage.responsible_for,
        "not_responsible_for": stage.not_responsible_for,
        "to_clarify": stage.to_clarify,
    }


def _stage(profile: CodeProfile, number: int) -> dict[str, Any]:
    rule = profile.stage(number)
    return {"number": number, "name": rule.name, "is_final": rule.is_final}


def _handler_name(stage: Stage) -> str:
    if stage.handler_id is None:
        return ""
    return stage.handler.get_full_name() or stage.handler.get_username()


def acknowledgement_context(stage: Stage) -> dict[str, Any]:
    """Stage 1 or 2 acknowledgement: the definition, responsibility and what happens next."""
    complaint = stage.complaint
    profile = _profile(complaint)
    definition = _definition(complaint, stage)
    return {
        "stage": _stage(profile, stage.number),
        "definition": definition,
        "responsibility": {
            "responsible_for": stage.responsible_for,
            "not_responsible_for": stage.not_responsible_for,
        },
        "next_steps": {
            "response_due": _iso(stage.response_due),
            "handler": _handler_name(stage),
            "working_days": profile.stage(stage.number).response_limit,
        },
        "ombudsman": ombudsman_contact(profile),
    }


def extension_context(extension: Extension) -> dict[str, Any]:
    """An extension notice: reason, new date, update interval, Ombudsman (Code 6.5 / 5.9)."""
    stage = extension.stage
    profile = _profile(stage.complaint)
    return {
        "stage": _stage(profile, stage.number),
        "reason": extension.reason,
        "new_date": _iso(extension.new_due),
        "previous_date": _iso(extension.previous_due),
        "update_interval": (
            f"{extension.update_interval_days} working days"
            if extension.update_interval_days
            else ""
        ),
        "ombudsman": ombudsman_contact(profile),
    }


def refusal_context(exclusion: Exclusion) -> dict[str, Any]:
    """A refusal: the reasons and the right to take the decision to the Ombudsman (Code 2.4)."""
    complaint = exclusion.complaint
    profile = _profile(complaint)
    try:
        chosen = profile.exclusion_ground(exclusion.ground)
    except ValueError:
        chosen = None
    office = landlord()
    return {
        "stage": _stage(profile, exclusion.stage),
        "ground": chosen.label if chosen else exclusion.ground,
        "explanation": exclusion.reasoning,
        "ombudsman_right": ombudsman_contact(profile),
        # Policy 4.4's "Who should I contact?" column for this ground.
        "contact_instead": {
            "text": chosen.contact_instead,
            "us": {"phone": office["phone"], "email": office["complaints_email"]}
            if chosen.contact_us
            else {},
        }
        if chosen and chosen.contact_instead
        else {},
    }


def _escalation(profile: CodeProfile, number: int) -> dict[str, Any]:
    rule = profile.stage(number)
    office = landlord()
    if rule.is_final:
        return {
            "to": rule.escalates_to,
            "to_ombudsman": True,
            "how": (
                "This is our final response. If you are still unhappy, you can ask the "
                "Housing Ombudsman to look at your complaint. It is free and independent."
            ),
            "ombudsman": ombudsman_contact(profile),
        }
    return {
        "to": rule.escalates_to,
        "to_ombudsman": False,
        "how": (
            f"If you are unhappy with this response, tell us and we will look at your complaint "
            f"again at {rule.escalates_to}. You do not need to give a reason. Contact us by "
            f"email at {office['complaints_email']}, by phone on {office['phone']}, or by "
            f"letter to {office['address']}."
        ),
    }


def _still_open(complaint: Complaint, stage: Stage, profile: CodeProfile) -> dict[str, list]:
    """Remedies and actions promised at another stage and not yet done: every later letter
    repeats them, so a final response never says "no outstanding actions" while some are."""
    if complaint.pk is None:
        return {"remedies": [], "actions": []}
    other = ~Q(response__stage=stage) | Q(response__isnull=True)
    remedies = complaint.remedies.filter(other, completed_on__isnull=True).select_related(
        "response__stage"
    )
    actions = complaint.outstanding_actions.filter(other, completed_on__isnull=True)
    return {
        "remedies": [
            {
                "type": r.remedy_type,
                "type_label": _remedy_label(profile, r.remedy_type),
                "description": r.description,
                "due_on": _iso(r.due_on),
                "amount": f"{r.amount:.2f}" if r.amount is not None else "",
                "stage": r.response.stage.number if r.response else None,
            }
            for r in remedies
        ],
        "actions": [
            {
                "description": a.description,
                "due_on": _iso(a.due_on),
                "owner": _owner_name(
                    ActionInput(a.description, a.due_on, owner=a.owner, owner_name=a.owner_name)
                ),
                "stage": a.response.stage.number if a.response else None,
            }
            for a in actions.select_related("owner", "response__stage")
        ],
    }


def response_context(
    stage: Stage, data: ResponseInput, *, issued_on: date | None = None
) -> dict[str, Any]:
    """A stage response's elements (a)–(g) from the response data and the definition."""
    complaint = stage.complaint
    profile = _profile(complaint)
    points = {p.number: p.text for p in _stage_points(complaint, stage)}
    earlier = _still_open(complaint, stage, profile)
    return {
        "stage": _stage(profile, stage.number),
        "definition": _definition(complaint, stage),
        "summary": data.summary,
        "early_resolution": data.early_resolution,
        "decisions": [
            {
                "point": d.point,
                "point_text": points.get(d.point, ""),
                "outcome": d.outcome if d.outcome in Outcome.values else "",
                "outcome_label": Outcome(d.outcome).label if d.outcome in Outcome.values else "",
                "reasons": d.reasons,
            }
            for d in sorted(data.decisions, key=lambda d: d.point)
        ],
        "remedy": {
            "items": [
                {
                    "type": r.remedy_type,
                    "type_label": _remedy_label(profile, r.remedy_type),
                    "description": r.description,
                    "due_on": _iso(r.due_on),
                    "amount": f"{r.amount:.2f}" if r.amount is not None else "",
                }
                for r in data.remedies
            ],
            "none_reason": "" if data.remedies else data.no_remedy_reason,
            # Promised earlier (at another stage) and still not done.
            "earlier": earlier["remedies"],
        },
        "outstanding_actions": {
            "items": [
                {
                    "description": a.description,
                    "due_on": _iso(a.due_on),
                    "owner": _owner_name(a),
                }
                for a in data.actions
            ],
            "earlier": earlier["actions"],
            # (f) "or none": an empty list is stated as none, in the letter's data – and only
            # when nothing promised at an earlier stage is still to do either.
            "none": "There are no outstanding actions."
            if not data.actions and not earlier["actions"]
            else "",
        },
        "escalation": _escalation(profile, stage.number),
        "learning": data.learning,
        "issued_on": _iso(issued_on),
    }


def _remedy_label(profile: CodeProfile, code: str) -> str:
    try:
        return profile.remedy_type(code).label
    except ValueError:
        return code


def _owner_name(action: ActionInput) -> str:
    if action.owner is not None:
        return action.owner.get_full_name() or action.owner.get_username()
    return action.owner_name


def response_input_from_record(response: Response) -> ResponseInput:
    """The issued response read back as the input it was made from."""
    return ResponseInput(
        summary=response.summary,
        decisions=[
            DecisionInput(point=d.point.number, outcome=d.outcome, reasons=d.reasons)
            for d in response.decisions.select_related("point")
        ],
        remedies=[
            RemedyInput(
                remedy_type=r.remedy_type,
                description=r.description,
                due_on=r.due_on,
                amount=r.amount,
            )
            for r in response.remedies.all()
        ],
        actions=[
            ActionInput(
                description=a.description, due_on=a.due_on, owner=a.owner, owner_name=a.owner_name
            )
            for a in response.outstanding_actions.select_related("owner")
        ],
        learning=response.learning,
        no_remedy_reason=response.no_remedy_reason,
        early_resolution=response.early_resolution,
    )


def update_context(complaint: Complaint, *, progress: str, next_update: date | None) -> dict:
    """A keeping-informed update (Code 5.9)."""
    profile = _profile(complaint)
    return {
        "stage": _stage(profile, complaint.current_stage),
        "progress": progress,
        "next_update": _iso(next_update),
    }


def completion_context(item: Remedy | OutstandingAction) -> dict[str, Any]:
    """Confirmation that a remedy or outstanding action is done (Code 7.3 / 6.6)."""
    is_remedy = isinstance(item, Remedy)
    return {
        "completed": {
            "what": "remedy" if is_remedy else "action",
            "description": item.description,
            "completed_on": _iso(item.completed_on),
            "note": item.completion_note,
        }
    }


def survey_follow_up_context() -> dict[str, Any]:
    """After dissatisfaction in a survey: how to complain (Code 1.6)."""
    office = landlord()
    return {
        "how_to_complain": {
            "email": office["complaints_email"],
            "phone": office["phone"],
            "address": office["address"],
        }
    }


def hazard_summary_context(data: dict[str, Any]) -> dict[str, Any]:
    """The written summary of a hazard investigation (Awaab's Law), from the ``hazard.summary_sent``
    event's data: the hazards app puts there everything the letter says."""
    office = landlord()
    return {
        "hazard_label": data.get("hazard_label", ""),
        "investigator": data.get("investigator", ""),
        "concluded_on": data.get("concluded_on") or "",
        "findings": data.get("findings", ""),
        "hazard_found": data.get("hazard_found"),
        "work": list(data.get("work") or []),
        "how_to_complain": {
            "email": office["complaints_email"],
            "phone": office["phone"],
            "address": office["address"],
        },
    }


def exceptional_delay_context(complaint: Complaint, data: dict[str, Any]) -> dict[str, Any]:
    """A delay through exceptional circumstances (Code 8.5), from the
    ``complaint.exceptional_delay`` event's data, with the Ombudsman's details."""
    profile = _profile(complaint)
    return {
        "stage": _stage(profile, complaint.current_stage),
        "circumstances": data.get("reason", ""),
        "expected": data.get("expected_end_on") or "",
        "ombudsman_right": ombudsman_contact(profile),
    }


def portal_link_context(*, link: str, expires_in_minutes: int) -> dict[str, Any]:
    return {"link": link, "expires_in_minutes": expires_in_minutes}
