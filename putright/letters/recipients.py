"""Who a letter goes to, and how: the resident's adjustments decide (Code 5.10, 3.6).

``recipients_for(complaint)`` is the one place this is decided. It honours the resident's
preferred channel and large-print adjustments, and sends to an authorised representative
(copying the resident where asked), as the people app records them (policy 5.4).
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from putright.complaints.models import Complaint
from putright.letters.constants import DeliveryChannel
from putright.people.models import Adjustment, Representative, Resident
from putright.people.selectors import authorised_representatives

RESIDENT = "resident"
RESIDENT_COPY = "resident (copy)"
REPRESENTATIVE = "representative"


@dataclass(frozen=True)
class Recipient:
    """One addressee of a letter and how it reaches them."""

    name: str
    role: str
    channel: str  # DeliveryChannel.EMAIL or DeliveryChannel.POST
    email: str = ""
    postal_address: str = ""
    large_print: bool = False
    # Who this is, stable across re-production: "resident:7", "representative:3".
    ref: str = ""

    @property
    def to_address(self) -> str:
        return self.email if self.channel == DeliveryChannel.EMAIL else self.postal_address

    def as_context(self) -> dict[str, Any]:
        return asdict(self)


def _active_adjustments(resident: Resident) -> list[Adjustment]:
    return [a for a in resident.adjustments.all() if a.active]


def _preferred_channel(detail: str) -> str | None:
    words = detail.lower()
    if "post" in words or "letter" in words or "paper" in words:
        return DeliveryChannel.POST
    if "email" in words or "e-mail" in words:
        return DeliveryChannel.EMAIL
    return None


def resident_recipient(resident: Resident, *, role: str = RESIDENT) -> Recipient:
    """The resident as addressee, with their preferred channel and large print honoured."""
    adjustments = _active_adjustments(resident)
    large_print = any(a.kind == Adjustment.Kind.LARGE_PRINT for a in adjustments)
    preferred = None
    for a in adjustments:
        if a.kind == Adjustment.Kind.PREFERRED_CHANNEL:
            preferred = _preferred_channel(a.detail) or preferred
    if preferred is None:
        preferred = DeliveryChannel.EMAIL if resident.email else DeliveryChannel.POST
    if preferred == DeliveryChannel.EMAIL and not resident.email:
        preferred = DeliveryChannel.POST
    return Recipient(
        name=resident.full_name,
        role=role,
        channel=preferred,
        email=resident.email,
        postal_address=resident.postal_address,
        large_print=large_print,
        ref=f"{role}:{resident.pk}",
    )


def _authorised_representatives(complaint: Complaint) -> list[Representative]:
    reps = authorised_representatives(complaint.resident_id, on=timezone.localdate())
    return [r for r in reps if r.covers(complaint.pk) and r.letters_to_representative]


def recipients_for(complaint: Complaint) -> list[Recipient]:
    """Everyone a letter about `complaint` goes to, each with their channel."""
    representatives = _authorised_representatives(complaint)
    if not representatives:
        return [resident_recipient(complaint.resident)]
    found = [
        Recipient(
            name=rep.full_name,
            role=REPRESENTATIVE,
            channel=DeliveryChannel.EMAIL if rep.email else DeliveryChannel.POST,
            email=rep.email,
            postal_address=rep.postal_address,
            ref=f"{REPRESENTATIVE}:{rep.pk}",
        )
        for rep in representatives
    ]
    if any(rep.copy_to_resident for rep in representatives):
        found.append(resident_recipient(complaint.resident, role=RESIDENT_COPY))
    return found
