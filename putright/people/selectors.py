"""Queries about people: who is authorised to act for whom, what is due for review."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from putright.people.models import (
    Adjustment,
    ContactRestriction,
    Representative,
    Resident,
    ResidentMerge,
    ResidentSearch,
    Vulnerability,
)


def authorised_representatives(resident_id: int, *, on: date) -> list[Representative]:
    """The resident's representatives authorised on `on` (form received, not expired/ended)."""
    reps = Representative.objects.filter(
        resident_id=resident_id, form_received=True, authorised_on__lte=on
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return [r for r in reps if r.is_authorised_on(on)]


@dataclass(frozen=True)
class ReviewsDue:
    adjustments: list[Adjustment]
    vulnerabilities: list[Vulnerability]
    restrictions: list[ContactRestriction]
    representatives_expiring: list[Representative]

    @property
    def count(self) -> int:
        return (
            len(self.adjustments)
            + len(self.vulnerabilities)
            + len(self.restrictions)
            + len(self.representatives_expiring)
        )


def reviews_due(*, on: date, within_days: int = 14) -> ReviewsDue:
    """Adjustments, vulnerabilities and restrictions whose review is due (or overdue) by
    `on` + `within_days`, and authorisations about to expire (Code 5.10, 5.15)."""
    horizon = on + timedelta(days=within_days)
    return ReviewsDue(
        adjustments=list(
            Adjustment.objects.filter(active=True, review_on__lte=horizon)
            .select_related("resident")
            .order_by("review_on")
        ),
        vulnerabilities=list(
            Vulnerability.objects.filter(active=True, review_on__lte=horizon)
            .select_related("resident")
            .order_by("review_on")
        ),
        restrictions=list(
            ContactRestriction.objects.filter(ended_on__isnull=True, review_on__lte=horizon)
            .select_related("resident")
            .order_by("review_on")
        ),
        representatives_expiring=list(
            Representative.objects.filter(
                ended_on__isnull=True, expires_on__isnull=False, expires_on__lte=horizon
            )
            .select_related("resident")
            .order_by("expires_on")
        ),
    )


@dataclass(frozen=True)
class ContactTerms:
    """How the landlord's letters invite contact while restrictions are in force (Code 5.14).

    Restrictions change how contact happens, never whether it happens: every letter about a
    complaint still goes, and a complaint is still made, answered and escalated (Code 5.15).
    """

    written_only: bool = False
    named_contact: str = ""
    phone_times: str = ""


def contact_terms(resident: Resident, *, on: date) -> ContactTerms:
    """The contact terms of the resident's restrictions in force on `on` (none for a resident
    not yet saved, such as the sample resident of a template preview)."""
    if resident.pk is None:
        return ContactTerms()
    in_force = [
        r
        for r in resident.contact_restrictions.all()
        if r.starts_on <= on and (r.ended_on is None or on < r.ended_on)
    ]
    kinds = {r.restricts: r.restriction_detail for r in in_force}
    restricts = ContactRestriction.Restricts
    return ContactTerms(
        written_only=restricts.WRITTEN_ONLY in kinds,
        named_contact=kinds.get(restricts.SINGLE_POINT_OF_CONTACT, ""),
        phone_times=kinds.get(restricts.PHONE_TIMES, ""),
    )


def resident_list(*, search: str = "") -> QuerySet[Resident]:
    qs = Resident.objects.select_related("home")
    if search.strip():
        s = search.strip()
        qs = qs.filter(
            Q(full_name__icontains=s)
            | Q(email__iexact=s)
            | Q(home__postcode__iexact=s)
            | Q(complaints__reference__iexact=s)
        ).distinct()
    return qs.order_by("full_name", "id")


def resident_detail(pk: int) -> Resident:
    """A resident with everything their staff page shows, in a fixed few queries."""
    merges = ResidentMerge.objects.select_related(
        "kept", "merged", "merged_by", "reversed_by"
    ).order_by("-merged_at", "-id")
    return (
        Resident.objects.select_related("home", "merged_into")
        .prefetch_related(
            Prefetch("merges_kept", queryset=merges),
            Prefetch("merges_away", queryset=merges),
            "tenancies__home",
            "adjustments",
            "vulnerabilities",
            Prefetch(
                "representatives", queryset=Representative.objects.select_related("complaint")
            ),
            Prefetch(
                "contact_restrictions",
                queryset=ContactRestriction.objects.select_related("decided_by"),
            ),
            # Newest first: the complaint model's default ordering (people cannot import it).
            "complaints",
        )
        .get(pk=pk)
    )


def resident_complaint(resident: Resident, reference: str) -> Any:
    """The resident's own complaint with this reference (as typed by staff), or None."""
    if not reference.strip():
        return None
    return resident.complaints.filter(reference=reference.strip().upper()).first()


def preferred_channel(resident: Resident) -> str:
    """The resident's structured preferred channel (a ``ContactChannel``), or "" if none is set.

    Only an active preferred-channel adjustment with a channel chosen counts; one whose
    channel is blank (free text a migration could not read) is flagged to staff instead.
    Letters (``letters.recipients``) and intake's messages both read it here.
    """
    chosen = [
        a.channel
        for a in resident.adjustments.all()
        if a.active and a.kind == Adjustment.Kind.PREFERRED_CHANNEL and a.channel
    ]
    return chosen[-1] if chosen else ""


def residents_in_order(ids: list[int]) -> list[Resident]:
    """These residents (one page of the finder), in the order given, with their homes."""
    rows = {r.pk: r for r in Resident.objects.filter(pk__in=ids).select_related("home").order_by()}
    return [rows[pk] for pk in ids if pk in rows]


def possible_duplicates(
    *, full_name: str, postcode: str = "", email: str = "", phone: str = "", exclude: int = 0
) -> list[Resident]:
    """Records that may be this person already: the same name at the same postcode, or the
    same email address or phone number (each an indexed lookup), not merged away."""
    from putright.core.fulltext import normal_code, normal_email, normal_phone, words

    found: list[int] = []
    rows = ResidentSearch.objects.order_by("-resident_id")
    if normal_email(email):
        found += rows.filter(email=normal_email(email)).values_list("resident_id", flat=True)[:10]
    if len(normal_phone(phone)) >= 6:  # shorter is not a phone number
        found += rows.filter(phone=normal_phone(phone)).values_list("resident_id", flat=True)[:10]
    name = words(full_name)
    if name and normal_code(postcode):
        same_place = Resident.objects.filter(
            pk__in=rows.filter(postcode=normal_code(postcode)).values("resident_id")[:200]
        ).values_list("pk", "full_name")
        found += [pk for pk, other in same_place if words(other) == name]
    unique = [pk for pk in dict.fromkeys(found) if pk != exclude]
    return residents_in_order(unique)


def merge_candidates(kept: Resident, *, find: str, limit: int) -> list[Resident]:
    """Records to offer as the duplicate of `kept`: those the finder gives for `find`, or else
    its possible duplicates."""
    from putright.people import search

    if find:
        ids = [pk for pk in search.find(find)[0 : limit + 1] if pk != kept.pk][:limit]
        return residents_in_order(ids)
    return possible_duplicates(
        full_name=kept.full_name,
        postcode=kept.home.postcode if kept.home else "",
        email=kept.email,
        phone=kept.phone,
        exclude=kept.pk,
    )
