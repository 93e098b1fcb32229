"""Changes to people: representatives, adjustments, vulnerabilities and contact restrictions.

Each service validates, writes, and returns the row; errors are the complaints app's named
errors so views and the API show them the same way.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from putright.core import held
from putright.core.clock import now, today
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.core.fulltext import is_postcode, normal_code, words
from putright.core.jsonrows import run_statement
from putright.core.listeners import Listeners
from putright.core.validation import require_text
from putright.people import search
from putright.people.models import (
    Adjustment,
    ContactChannel,
    ContactRestriction,
    Property,
    Representative,
    Resident,
    ResidentMerge,
    Tenancy,
    Tenure,
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
    resident = held.create(
        Resident,
        full_name=full_name[:200],
        email=(email or "").strip().lower(),
        phone=(phone or "").strip(),
        home=home,
        correspondence_address=(correspondence_address or "").strip(),
        is_customer=is_customer,
    )
    # An import's held resident is indexed with its chunk, once written (core.held).
    held.after_write(search.index_new_rows, [resident])
    return resident


NON_CUSTOMER = "non_customer"
ADDRESS_LINE_REQUIRED = "Enter the first line of their address."
TOWN_REQUIRED = "Enter the town or city."
POSTCODE_INVALID = "Enter a real postcode, like EX1 2AB."
TENURE_REQUIRED = "Choose how they hold their home, or that they are not one of our residents."


def formatted_postcode(value: str) -> str:
    """A UK postcode as printed: upper case, one space before the last three characters."""
    code = normal_code(value)
    return f"{code[:-3]} {code[-3:]}" if len(code) > 3 else code


def home_for(*, address_line_1: str, address_line_2: str, town: str, postcode: str) -> Property:
    """The landlord's home at this address: the one recorded (same postcode and first line),
    or a new one."""
    line_1 = require_text(address_line_1, "address_line_1", message=ADDRESS_LINE_REQUIRED)
    town = require_text(town, "town", message=TOWN_REQUIRED)
    if not is_postcode(postcode):
        raise InvalidInput(POSTCODE_INVALID, field="postcode")
    code = formatted_postcode(postcode)
    for home in Property.objects.filter(postcode=code).order_by("id"):
        if words(home.address_line_1) == words(line_1):
            return home
    return Property.objects.create(
        address_line_1=line_1[:200],
        address_line_2=(address_line_2 or "").strip()[:200],
        town=town[:100],
        postcode=code,
    )


@transaction.atomic
def resident_add_with_home(
    *,
    full_name: str,
    actor: Any,
    tenure: str,
    address_line_1: str,
    address_line_2: str = "",
    town: str,
    postcode: str,
    tenancy_from: date,
    email: str = "",
    phone: str = "",
) -> Resident:
    """Record someone new with where they live and how (staff logging a complaint): a resident
    of ours gets their home and a tenancy from `tenancy_from` (so their complaints count by
    tenure in CH01); a non-customer's address is kept for letters."""
    if tenure != NON_CUSTOMER and tenure not in Tenure.values:
        raise InvalidInput(TENURE_REQUIRED, field="tenure")
    if tenure == NON_CUSTOMER:
        lines = [address_line_1, address_line_2, town, formatted_postcode(postcode)]
        require_text(address_line_1, "address_line_1", message=ADDRESS_LINE_REQUIRED)
        return resident_add(
            full_name=full_name,
            email=email,
            phone=phone,
            correspondence_address="\n".join(x.strip() for x in lines if x and x.strip()),
            is_customer=False,
            actor=actor,
        )
    home = home_for(
        address_line_1=address_line_1, address_line_2=address_line_2, town=town, postcode=postcode
    )
    resident = resident_add(full_name=full_name, email=email, phone=phone, home=home, actor=actor)
    tenancy_start(resident=resident, home=home, tenure=tenure, start_on=tenancy_from)
    return resident


def tenancy_start(*, resident: Resident, home: Property, tenure: str, start_on: date) -> Tenancy:
    """A resident's tenancy of a home from `start_on` (how they held it counts their complaints
    by tenure in CH01): staff logging someone new, and an import for each home a resident
    complained from. The resident finder finds them at every home they have a tenancy of, so a
    home other than their own has their search row rebuilt once written
    (`search.tenancies_changed`); their own home is in the row already."""
    tenancy = held.create(Tenancy, resident=resident, home=home, tenure=tenure, start_on=start_on)
    if not _their_home(resident, home):
        held.after_write(search.tenancies_changed, [held.pk_of(resident)])
    # Their complaints' tenure at receipt may now be this one (an import: once the chunk is
    # written, so a complaint received in the same chunk is counted under it too).
    held.after_write(tenancies_changed, [held.pk_of(resident)])
    return tenancy


def _their_home(resident: Resident, home: Property) -> bool:
    if home.pk is not None:
        return resident.home_id == home.pk
    # Both held in an import's chunk, not written yet: the same instance or another home.
    return Resident.home.is_cached(resident) and resident.home is home


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


# A new complaint stores two facts about its resident as they are when it is written (its
# "vulnerable resident" flag and the tenure at receipt); every change to those facts writes
# them again on the resident's complaints (the listeners below). On PostgreSQL the two run side
# by side, each reading under READ COMMITTED: a change committed between a new complaint's read
# and its commit would find no complaint to write again, and the new one would keep the old
# fact (a vulnerable resident missing from the queue's filter). So each side holds the
# resident's row: a reader FOR SHARE (readers never wait for each other), a change FOR NO KEY
# UPDATE (waits for readers, and they for it; the key-share locks of rows that point at the
# resident, taken by their inserts, wait for neither), each from its own statement before it
# reads, so what it reads next is seen after the other side commits. Rows locked in id order:
# two changes of several residents (a merge) never wait for each other in a circle. SQLite
# runs one write transaction at a time (BEGIN IMMEDIATE): nothing to hold.
_HOLD_FOR_READING = "SELECT 1 FROM people_resident WHERE id = ANY(%s) ORDER BY id FOR SHARE"
_HOLD_FOR_CHANGE = "SELECT 1 FROM people_resident WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE"


def _ids(values: Iterable[int | None]) -> list[int]:
    """Row ids given (some None: a row not written, or no row), once each, in order."""
    return sorted({int(i) for i in values if i})


def _hold_residents(resident_ids: Iterable[int], name: str, sql: str) -> None:
    if connection.vendor != "postgresql":
        return
    if ids := _ids(resident_ids):
        # Prepared once a connection (one on every create); a lock, nothing read: in an
        # import's pipeline (core.held) it is taken in turn without waiting for its answer.
        run_statement(name, sql, [ids], rows=False)


def residents_facts_changing(resident_ids: Iterable[int]) -> None:
    """Call in the transaction that changes these residents' vulnerabilities or tenancies,
    before the complaints' facts are written again (the listeners): a new complaint's read of
    them waits for it, or it for the new complaint. Called by the two `..._changed` below; an
    import's chunk calls it first, before it takes the year's reference counter, as a live
    create holds its resident before the counter (a chunk holding the counter, then waiting for
    a create's resident while the create waits for the counter, would be a circle)."""
    _hold_residents(resident_ids, "residents_held_for_change", _HOLD_FOR_CHANGE)


def residents_facts_read(resident_ids: Iterable[int]) -> None:
    """Call before reading these residents' vulnerabilities and tenancies to store what they
    say on new complaints (``complaints.services.common.resident_facts_set``), in the
    transaction that writes them: a change to those facts waits for it to commit, then writes
    them again on the new complaints too, or it waits for the change and reads it."""
    _hold_residents(resident_ids, "residents_held_for_reading", _HOLD_FOR_READING)


# Told the ids of residents whose vulnerabilities changed (added, ended, moved by a merge,
# erased): the complaints app keeps its queue's "vulnerable resident" flag from this.
_vulnerability_listeners: Listeners[Callable[[list[int]], None]] = Listeners()


def on_vulnerability_change(fn: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    return _vulnerability_listeners.add(fn)


def vulnerabilities_changed(resident_ids: list[int]) -> None:
    """Tell the listeners these residents' vulnerabilities changed (every service that adds,
    ends, moves or removes a vulnerability calls this in its transaction)."""
    residents_facts_changing(resident_ids)
    for fn in _vulnerability_listeners:
        fn(list(resident_ids))


# Told the ids of residents whose tenancies changed (started, moved to an earlier start by an
# import, moved by a merge or its reversal): the complaints app keeps each complaint's tenure
# at receipt (TSM CH01) from this.
_tenancy_listeners: Listeners[Callable[[list[int]], None]] = Listeners()


def on_tenancy_change(fn: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    return _tenancy_listeners.add(fn)


def tenancies_edited(resident_ids: Iterable[int | None]) -> None:
    """Tenancies saved or deleted by hand (the admin, where staff keep reference data up to
    date), not through `tenancy_start`: what is kept from a resident's tenancies is written
    again in the same transaction: their search row (the resident finder finds them at every
    home they hold) and their complaints' tenure at receipt (the listeners). Without it an
    edited tenure would count in TSM CH01 under the old one until ``refresh_stored`` ran."""
    ids = _ids(resident_ids)
    if not ids:
        return
    search.tenancies_changed(ids)
    tenancies_changed(ids)


def residents_edited(resident_ids: Iterable[int | None]) -> None:
    """Residents saved by hand (the admin, where staff correct a name, contact details or
    home), not through a service: their search row and, through its listeners, their
    complaints' rows are written again in the same transaction, so both finders find them
    by what they are now."""
    if ids := _ids(resident_ids):
        search.reindex(ids)


def homes_edited(home_ids: Iterable[int | None]) -> None:
    """Homes saved by hand (the admin: an address or postcode corrected): the search rows of
    the residents there and of the complaints about them, in the same transaction."""
    if ids := _ids(home_ids):
        search.homes_changed(ids)


def tenancies_changed(resident_ids: list[int]) -> None:
    """Tell the listeners these residents' tenancies changed (every service that starts, moves
    or re-dates a tenancy calls this in its transaction, or through ``held.after_write``)."""
    residents_facts_changing(resident_ids)
    for fn in _tenancy_listeners:
        fn(list(resident_ids))


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
    vulnerability = Vulnerability.objects.create(
        resident=resident,
        description=description[:300],
        is_disability=is_disability,
        consent_given=True,
        review_on=review_on,
    )
    vulnerabilities_changed([resident.pk])
    return vulnerability


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
    if isinstance(item, Vulnerability):
        vulnerabilities_changed([item.resident_id])
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


# --- merging duplicate resident records ---------------------------------------------------------

MERGE_SAME_RECORD = "Choose a different record: a record cannot be merged into itself."
MERGE_ALREADY_MERGED = "This record has already been merged into another."
MERGE_INTO_MERGED = "The record to keep has itself been merged into another; keep that one."
MERGE_NEEDS_REASON = "Say why these records are the same person."
MERGE_NOT_ALLOWED = "Only a complaints officer or an administrator can merge residents."
MERGE_ALREADY_REVERSED = "This merge has already been reversed."
REVERSAL_NEEDS_REASON = "Say why the merge was wrong."
REVERSE_KEPT_MERGED = (
    "The record kept has since been merged into another: reverse that merge first."
)
# Relations that stay with their record: the merge itself and the search row.
_NOT_MOVED = {("people", "residentmerge"), ("people", "resident"), ("people", "residentsearch")}


def _moved_relations() -> list[Any]:
    """Every many-to-one relation to a resident (complaints, tenancies, adjustments, ...),
    found from the model graph so apps above this one are moved without being imported."""
    return [
        rel
        for rel in Resident._meta.related_objects
        if rel.one_to_many
        and (rel.related_model._meta.app_label, rel.related_model._meta.model_name)
        not in _NOT_MOVED
    ]


def _may_merge(actor: Any) -> None:
    from putright.core.permissions import Action, allowed

    if not allowed(actor, Action.MERGE_RESIDENTS):
        raise RuleBroken(MERGE_NOT_ALLOWED)


def _lock(*pks: int) -> dict[int, Resident]:
    return {r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


@transaction.atomic
def residents_merge(*, kept: Resident, merged: Resident, reason: str, actor: Any) -> ResidentMerge:
    """Merge a duplicate record into the one kept: its complaints, tenancies, adjustments,
    vulnerabilities, representatives, restrictions, service requests and surveys move; the
    duplicate stays, marked as merged into the one kept, so a correction can undo it."""
    _may_merge(actor)
    reason = require_text(reason, "reason", message=MERGE_NEEDS_REASON)
    if kept.pk == merged.pk:
        raise InvalidInput(MERGE_SAME_RECORD, field="duplicate")
    locked = _lock(kept.pk, merged.pk)
    kept, merged = locked[kept.pk], locked[merged.pk]
    if merged.merged_into_id is not None:
        raise AlreadyDone(MERGE_ALREADY_MERGED, field="duplicate")
    if kept.merged_into_id is not None:
        raise RuleBroken(MERGE_INTO_MERGED, field="duplicate")
    moved: dict[str, list[int]] = {}
    for rel in _moved_relations():
        model, name = rel.related_model, rel.field.name
        rows = model._base_manager.filter(**{name: merged})
        ids = sorted(rows.values_list("pk", flat=True))
        if ids:
            model._base_manager.filter(pk__in=ids).update(**{name: kept})
            moved[f"{model._meta.label}.{name}"] = ids
    merged.merged_into = kept
    merged.save(update_fields=["merged_into"])
    merge = ResidentMerge.objects.create(
        kept=kept,
        merged=merged,
        reason=reason,
        moved=moved,
        merged_by=actor,
        merged_at=now(),
    )
    search.reindex([kept.pk, merged.pk])  # and, through listeners, the moved complaints
    vulnerabilities_changed([kept.pk, merged.pk])
    tenancies_changed([kept.pk, merged.pk])
    return merge


@transaction.atomic
def residents_merge_reverse(*, merge: ResidentMerge, reason: str, actor: Any) -> ResidentMerge:
    """Correct a wrong merge: what moved goes back to the duplicate, which is a record again.
    Both records keep the merge and its reversal, with who and why."""
    _may_merge(actor)
    reason = require_text(reason, "reason", message=REVERSAL_NEEDS_REASON)
    merge = ResidentMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.reversed_at is not None:
        raise AlreadyDone(MERGE_ALREADY_REVERSED)
    locked = _lock(merge.kept_id, merge.merged_id)
    kept, merged = locked[merge.kept_id], locked[merge.merged_id]
    if kept.merged_into_id is not None:
        raise RuleBroken(REVERSE_KEPT_MERGED)
    for key, ids in merge.moved.items():
        label, name = key.rsplit(".", 1)
        model = apps.get_model(label)
        # Only what still sits with the kept record goes back.
        model._base_manager.filter(pk__in=ids, **{name: kept}).update(**{name: merged})
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    merge.reversed_at = now()
    merge.reversed_by = actor
    merge.reversal_reason = reason
    merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    search.reindex([kept.pk, merged.pk])
    vulnerabilities_changed([kept.pk, merged.pk])
    tenancies_changed([kept.pk, merged.pk])
    return merge
