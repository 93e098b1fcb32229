"""What each letter must contain, as data: the Code's elements with their provisions.

A stage response takes its elements (a)-(g) straight from the Code profile
(``profile.stage(n).required_elements``). The other letters list theirs here, in the same
shape, citing the provision that asks for each. No template decides what is required.
"""

from typing import Any

from putright.letters.constants import LetterKind
from putright.rules.profile import CodeProfile, ResponseElement

HAZARD_SUMMARY_DUTY = "Awaab's Law written summary"

# Code 6.5 (stage 1) and 6.16 (stage 2): an extension notice gives the Ombudsman's details.
_EXTENSION_OMBUDSMAN_PROVISION = {1: "6.5", 2: "6.16"}


def _element(letter: str, key: str, label: str, provision: str) -> ResponseElement:
    return ResponseElement(letter=letter, key=key, label=label, provision=provision)


# Policy 5.5 and 5.3, in the letters that point to the Ombudsman: required where they apply
# (the letter's data says so), and always placed in the template (checked with no data).
_CONDITIONAL = (
    ("non_customer", "That a non-customer may not be able to go to the Ombudsman", "Policy 5.5"),
    ("building_safety", "The Building Safety Regulator, for a higher-risk building", "Policy 5.3"),
)
_CONDITIONAL_KINDS = {LetterKind.ACKNOWLEDGEMENT, LetterKind.REFUSAL, LetterKind.RESPONSE}


def _applies(key: str, context: dict[str, Any] | None) -> bool:
    """With no letter data (a template being edited) every conditional element applies."""
    return context is None or bool(context.get(key))


def _with_conditional(
    base: tuple[ResponseElement, ...], kind: str, context: dict[str, Any] | None
) -> tuple[ResponseElement, ...]:
    extra: list[tuple[str, str, str]] = []
    if kind == LetterKind.REFUSAL and _applies("contact_instead", context):
        extra.append(("contact_instead", "Who to contact instead", "Policy 4.4 / Code 2.4"))
    if kind in _CONDITIONAL_KINDS:
        extra.extend(item for item in _CONDITIONAL if _applies(item[0], context))
    letters = "abcdefghijklmnopqrstuvwxyz"
    return base + tuple(
        _element(letters[len(base) + i], key, label, provision)
        for i, (key, label, provision) in enumerate(extra)
    )


def required_elements(
    kind: str,
    *,
    profile: CodeProfile,
    stage: int | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[ResponseElement, ...]:
    """The elements a letter of `kind` (at `stage`, where it has one) must show.

    Given the letter's data (`context`), elements that apply only to some residents (a
    non-customer, a higher-risk building) or some grounds are included only where they
    apply; without it (checking a template) all of them are.
    """
    return _with_conditional(_base_elements(kind, profile=profile, stage=stage), kind, context)


def _base_elements(
    kind: str, *, profile: CodeProfile, stage: int | None = None
) -> tuple[ResponseElement, ...]:
    if kind == LetterKind.RESPONSE:
        return profile.stage(stage or 1).required_elements
    if kind == LetterKind.ACKNOWLEDGEMENT:
        rule = profile.stage(stage or 1)
        return (
            _element("a", "stage", "The complaint stage", rule.ack_provision),
            _element("b", "definition", "The complaint definition", "5.6"),
            _element("c", "responsibility", "What we are and are not responsible for", "5.7"),
            _element("d", "next_steps", "What happens next and when", rule.response_provision),
            # Code 3.7 (and policy 5.1): residents are told of their right to go to the
            # Ombudsman, at any time, in their complaint correspondence.
            _element("e", "ombudsman", "The Housing Ombudsman's contact details", "3.7"),
        )
    if kind == LetterKind.EXTENSION:
        rule = profile.stage(stage or 1)
        ombudsman = _EXTENSION_OMBUDSMAN_PROVISION.get(rule.number, "6.5")
        return (
            _element("a", "reason", "The reason for the extension", rule.extension_provision),
            _element("b", "new_date", "The new response date", rule.extension_provision),
            _element("c", "update_interval", "When we will update you", "5.9"),
            _element("d", "ombudsman", "The Housing Ombudsman's contact details", ombudsman),
        )
    if kind == LetterKind.REFUSAL:
        return (
            _element("a", "explanation", "Why the matter is not suitable for the process", "2.4"),
            _element(
                "b", "ombudsman_right", "The right to take the decision to the Ombudsman", "2.4"
            ),
        )
    if kind == LetterKind.UPDATE:
        return (
            _element("a", "progress", "What has happened since we last wrote", "5.9"),
            _element("b", "next_update", "When we will update you next", "5.9"),
        )
    if kind == LetterKind.COMPLETION:
        return (_element("a", "completed", "What we have completed, and when", "7.3 / 6.6"),)
    if kind == LetterKind.SURVEY_FOLLOW_UP:
        return (_element("a", "how_to_complain", "How to make a complaint", "1.6"),)
    if kind == LetterKind.HAZARD_SUMMARY:
        # Awaab's Law: a written summary of the investigation's findings within 3 working days
        # of it concluding (S.I. 2025/1042, reg. 9 per a secondary source; unverified).
        return (
            _element("a", "findings", "What the investigation found", HAZARD_SUMMARY_DUTY),
            _element("b", "hazard_found", "Whether a hazard was found", HAZARD_SUMMARY_DUTY),
            _element("c", "work", "The work we will do and its timescales", HAZARD_SUMMARY_DUTY),
            _element("d", "how_to_complain", "How to make a complaint", "1.6"),
        )
    if kind == LetterKind.EXCEPTIONAL_DELAY:
        # Code 8.5: residents affected by exceptional circumstances are told, and told they may
        # go to the Ombudsman (3.7) rather than wait.
        return (
            _element("a", "circumstances", "What has happened and why it delays us", "8.5"),
            _element("b", "expected", "When we expect to be back to normal", "8.5"),
            _element("c", "ombudsman_right", "The right to go to the Ombudsman", "8.5 / 3.7"),
        )
    if kind == LetterKind.PORTAL_LINK:
        return (_element("a", "link", "The sign-in link", "3.1"),)
    raise ValueError(f"Unknown letter kind {kind!r}.")
