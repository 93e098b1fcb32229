"""Changes to people: representatives, adjustments, vulnerabilities and contact restrictions.

Each service validates, writes, and returns the row; errors are the complaints app's named
errors so views and the API show them the same way.
"""

from datetime import date
from typing import Any

from django.db import transaction

from putright.core.clock import today
from putright.core.errors import InvalidInput
from putright.core.validation import require_text
from putright.people.models import (
    Adjustment,
    ContactChannel,
    ContactRestriction,
    Representative,
    Resident,
    Vulnerability,
)

UNKNOWN_RELATIONSHIP = "Choose how the representative is related to the resident."
NAME_REQUIRED = "Enter the representative's full name."
AUTHORISED_WITHOUT_FORM = (
    "A representative can only be authorised once the authorisation form is received (policy 5.4)."
)
AUTHORISED_DATE_REQUIRED = "Enter the date the authorisation was given."
EXPIRY_BEFORE_AUTHORISATION = "The expiry date must be after the authorisation date."
ONE_COMPLAINT_NEEDS_COMPLAINT = "Choose the complaint this authorisation covers."
COMPLAINT_OF_ANOTHER_RESIDENT = "That complaint belongs to another resident."
CONTACT_REQUIRED = "Give an email address, phone number or postal address for the representative."
UNKNOWN_ADJUSTMENT = "Choose the kind of adjustment."
CHANNEL_REQUIRED = (
    "Choose how letters should reach the resident: the note is kept, but letters follow "
    "this choice (Code 5.10)."
)
CHANNEL_ONLY_FOR_PREFERENCE = "A contact channel is chosen only for a preferred way of contact."
EMAIL_CHANNEL_NEEDS_ADDRESS = (
    "The resident has no email address: add one first, or choose post (Code 5.10)."
)
CONSENT_REQUIRED = (
    "Record only with the resident's consent: confirm they agreed to this being kept (Code 5.10)."
)
REVIEW_DATE_REQUIRED = "Enter the date this will next be reviewed."
REVIEW_IN_PAST = "The review date must be in the future."
DESCRIPTION_REQUIRED = "Describe the vulnerability or disability."
UNKNOWN_RESTRICTION = "Choose what is restricted."
RESTRICTION_REASON = "Describe the behaviour that led to the restriction."
RESTRICTION_EVIDENCE = "Record the evidence: dates, incidents, recordings or witnesses."
RESTRICTION_PROPORTIONALITY = (
    "Explain why the restriction is proportionate: the least restrictive way to protect staff."
)
RESTRICTION_EQUALITY = (
    "Record the Equality Act consideration: whether a disability or other protected "
    "characteristic is involved and whether an adjustment would help instead."
)
REVIEW_BEFORE_START = "The review date must be after the start date."
ALREADY_ENDED = "This has already ended."
NOT_A_CASE_WORKER = "Only a complaint handler or complaints officer can do this."
RESIDENT_NEEDS_NAME = "Enter the resident's full name."


def resident_add(
    *,
    full_name: str,
    actor: Any,
    email: str = "",
    phone: str = "",
    home: Any = None,
    correspondence_address: str = "",
    is_customer: bool = True,
) -> Resident:
    """Record someone who complains: a resident or a non-customer (policy 5.5).

    Every way in (staff logging, the online form, email, the API, an import) records people
    here; `actor` is the member of staff, or None for the public form and the mailbox.
    """
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidInput(RESIDENT_NEEDS_NAME, field="full_name")
    return Resident.objects.create(
        full_name=full_name[:200],
        email=(email or "").strip().lower(),
        phone=(phone or "").strip(),
        home=home,
        correspondence_address=(correspondence_address or "").strip(),
        is_customer=is_customer,
    )


def _staff(actor: Any) -> Any:
    if not getattr(actor, "can_handle_cases", False):
        raise InvalidInput(NOT_A_CASE_WORKER, field="actor")
    return actor


def _future_review(review_on: date | None, *, required: bool = True) -> date | None:
    if review_on is None:
        if required:
            raise InvalidInput(REVIEW_DATE_REQUIRED, field="review_on")
        return None
    if review_on <= today():
        raise InvalidInput(REVIEW_IN_PAST, field="review_on")
    return review_on


@transaction.atomic
def representative_add(
    *,
    resident: Resident,
    full_name: str,
    relationship: str,
    actor: Any,
    email: str = "",
    phone: str = "",
    postal_address: str = "",
    form_received: bool = False,
    authorised_on: date | None = None,
    scope: str = Representative.Scope.ALL_COMPLAINTS,
    complaint: Any = None,
    expires_on: date | None = None,
    letters_to_representative: bool = True,
    copy_to_resident: bool = False,
) -> Representative:
    """Record someone acting for a resident; authorised only with the form received (Code 3.6)."""
    if actor is not None:
        _staff(actor)
    full_name = require_text(full_name, "full_name", NAME_REQUIRED)
    if relationship not in Representative.Relationship.values:
        raise InvalidInput(UNKNOWN_RELATIONSHIP, field="relationship")
    if not (email.strip() or phone.strip() or postal_address.strip()):
        raise InvalidInput(CONTACT_REQUIRED, field="email")
    if authorised_on is not None and not form_received:
        raise InvalidInput(AUTHORISED_WITHOUT_FORM, field="form_received")
    if form_received and authorised_on is None:
        raise InvalidInput(AUTHORISED_DATE_REQUIRED, field="authorised_on")
    if authorised_on and authorised_on > today():
        raise InvalidInput("The date cannot be in the future.", field="authorised_on")
    if expires_on and authorised_on and expires_on <= authorised_on:
        raise InvalidInput(EXPIRY_BEFORE_AUTHORISATION, field="expires_on")
    if scope not in Representative.Scope.values:
        raise InvalidInput(ONE_COMPLAINT_NEEDS_COMPLAINT, field="scope")
    if scope == Representative.Scope.ONE_COMPLAINT:
        if complaint is None:
            raise InvalidInput(ONE_COMPLAINT_NEEDS_COMPLAINT, field="complaint")
        if complaint.resident_id != resident.pk:
            raise InvalidInput(COMPLAINT_OF_ANOTHER_RESIDENT, field="complaint")
    else:
        complaint = None
    return Representative.objects.create(
        resident=resident,
        full_name=full_name,
        relationship=relationship,
        email=email.strip().lower(),
        phone=phone.strip(),
        postal_address=postal_address.strip(),
        form_received=form_received,
        authorised_on=authorised_on,
        scope=scope,
        complaint=complaint,
        expires_on=expires_on,
        letters_to_representative=letters_to_representative,
        copy_to_resident=copy_to_resident,
    )


@transaction.atomic
def representative_authorise(
    *,
    representative: Representative,
    authorised_on: date,
    actor: Any,
    expires_on: date | None = None,
) -> Representative:
    """The signed authorisation form arrived: the representative may now act."""
    _staff(actor)
    if authorised_on > today():
        raise InvalidInput("The date cannot be in the future.", field="authorised_on")
    if expires_on and expires_on <= authorised_on:
        raise InvalidInput(EXPIRY_BEFORE_AUTHORISATION, field="expires_on")
    representative.form_received = True
    representative.authorised_on = authorised_on
    representative.expires_on = expires_on
    representative.save(update_fields=["form_received", "authorised_on", "expires_on"])
    return representative


@transaction.atomic
def representative_end(
    *, representative: Representative, actor: Any, ended_on: date | None = None
) -> Representative:
    """The resident withdrew the authorisation (or the representative stopped acting)."""
    _staff(actor)
    if representative.ended_on is not None:
        raise InvalidInput(ALREADY_ENDED, field="ended_on")
    representative.ended_on = ended_on or today()
    representative.save(update_fields=["ended_on"])
    return representative


@transaction.atomic
def adjustment_add(
    *,
    resident: Resident,
    kind: str,
    consent_given: bool,
    actor: Any,
    detail: str = "",
    review_on: date | None = None,
    channel: str = "",
) -> Adjustment:
    """Record a reasonable adjustment, with consent and a review date (Code 5.10).

    A preferred way of contact needs its structured `channel`: that, not the note, is what
    letters follow (``letters.recipients``).
    """
    if actor is not None:
        _staff(actor)
    if kind not in Adjustment.Kind.values:
        raise InvalidInput(UNKNOWN_ADJUSTMENT, field="kind")
    channel = channel or ""
    if kind == Adjustment.Kind.PREFERRED_CHANNEL:
        if channel not in ContactChannel.values:
            raise InvalidInput(CHANNEL_REQUIRED, field="channel")
        if channel in {ContactChannel.EMAIL, ContactChannel.BOTH} and not resident.email:
            raise InvalidInput(EMAIL_CHANNEL_NEEDS_ADDRESS, field="channel")
    elif channel:
        raise InvalidInput(CHANNEL_ONLY_FOR_PREFERENCE, field="channel")
    if not consent_given:
        raise InvalidInput(CONSENT_REQUIRED, field="consent_given")
    review_on = _future_review(review_on)
    return Adjustment.objects.create(
        resident=resident,
        kind=kind,
        detail=detail.strip()[:300],
        channel=channel,
        consent_given=True,
        review_on=review_on,
    )


@transaction.atomic
def vulnerability_add(
    *,
    resident: Resident,
    description: str,
    consent_given: bool,
    actor: Any,
    is_disability: bool = False,
    review_on: date | None = None,
) -> Vulnerability:
    """Record a disclosed vulnerability or disability, considered at triage (Code 5.10, 6.1)."""
    _staff(actor)
    description = require_text(description, "description", DESCRIPTION_REQUIRED)
    if not consent_given:
        raise InvalidInput(CONSENT_REQUIRED, field="consent_given")
    review_on = _future_review(review_on)
    return Vulnerability.objects.create(
        resident=resident,
        description=description[:300],
        is_disability=is_disability,
        consent_given=True,
        review_on=review_on,
    )


@transaction.atomic
def support_review(
    *,
    item: Adjustment | Vulnerability,
    still_needed: bool,
    actor: Any,
    next_review_on: date | None = None,
) -> Adjustment | Vulnerability:
    """Review an adjustment or vulnerability: keep it with a new review date, or end it."""
    _staff(actor)
    if still_needed:
        item.review_on = _future_review(next_review_on)
    else:
        item.active = False
    item.save(update_fields=["review_on", "active"])
    return item


@transaction.atomic
def restriction_add(
    *,
    resident: Resident,
    reason: str,
    evidence: str,
    restricts: str,
    starts_on: date,
    review_on: date,
    proportionality: str,
    equality_act_considered: str,
    actor: Any,
    restriction_detail: str = "",
) -> ContactRestriction:
    """Restrict how a resident contacts staff, evidenced and proportionate (Code 5.14-5.15).

    It limits the manner of contact only: complaints are still received and progressed.
    """
    _staff(actor)
    reason = require_text(reason, "reason", RESTRICTION_REASON)
    evidence = require_text(evidence, "evidence", RESTRICTION_EVIDENCE)
    if restricts not in ContactRestriction.Restricts.values:
        raise InvalidInput(UNKNOWN_RESTRICTION, field="restricts")
    proportionality = require_text(proportionality, "proportionality", RESTRICTION_PROPORTIONALITY)
    equality_act_considered = require_text(
        equality_act_considered, "equality_act_considered", RESTRICTION_EQUALITY
    )
    if review_on is None:
        raise InvalidInput(REVIEW_DATE_REQUIRED, field="review_on")
    if review_on <= starts_on:
        raise InvalidInput(REVIEW_BEFORE_START, field="review_on")
    return ContactRestriction.objects.create(
        resident=resident,
        reason=reason,
        evidence=evidence,
        restricts=restricts,
        restriction_detail=restriction_detail.strip()[:300],
        starts_on=starts_on,
        review_on=review_on,
        proportionality=proportionality,
        equality_act_considered=equality_act_considered,
        decided_by=actor,
    )


@transaction.atomic
def restriction_review(
    *,
    restriction: ContactRestriction,
    keep: bool,
    actor: Any,
    next_review_on: date | None = None,
) -> ContactRestriction:
    """Review a restriction: renew it with a new review date, or lift it."""
    _staff(actor)
    if restriction.ended_on is not None:
        raise InvalidInput(ALREADY_ENDED, field="keep")
    restriction.last_reviewed_on = today()
    if keep:
        restriction.review_on = _future_review(next_review_on)
    else:
        restriction.ended_on = today()
    restriction.save(update_fields=["last_reviewed_on", "review_on", "ended_on"])
    return restriction
