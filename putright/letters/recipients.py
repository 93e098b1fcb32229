"""Who a letter goes to, and how: the resident's adjustments decide (Code 5.10, 3.6).

``recipients_for(complaint)`` is the one place this is decided. It honours the resident's
preferred channel (the structured ``Adjustment.channel``, never the free-text note: "Email
only, no letters please" once went by post because the note mentioned letters) and large-print
adjustments, and sends to an authorised representative
(copying the resident where asked), as the people app records them (policy 5.4).
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from putright.complaints.models import Complaint
from putright.letters.constants import DeliveryChannel
from putright.people.models import Adjustment, ContactChannel, Representative, Resident
from putright.people.selectors import authorised_representatives, preferred_channel

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


def _letter_channels(resident: Resident) -> list[str]:
    preferred = preferred_channel(resident)
    if preferred == ContactChannel.EMAIL:
        # Never by post, even with no email address: the letter is refused for want of an
        # address (letters.NO_ADDRESS) and staff see why, rather than posting against a wish.
        return [DeliveryChannel.EMAIL]
    if preferred == ContactChannel.POST:
        return [DeliveryChannel.POST]
    if preferred == ContactChannel.BOTH:
        return [DeliveryChannel.EMAIL, DeliveryChannel.POST]
    return [DeliveryChannel.EMAIL if resident.email else DeliveryChannel.POST]


def resident_recipients(resident: Resident, *, role: str = RESIDENT) -> list[Recipient]:
    """The resident as addressee, once per channel they asked for, with large print honoured."""
    large_print = any(a.kind == Adjustment.Kind.LARGE_PRINT for a in _active_adjustments(resident))
    channels = _letter_channels(resident)
    return [
        Recipient(
            name=resident.full_name,
            role=role,
            channel=channel,
            email=resident.email,
            postal_address=resident.postal_address,
            large_print=large_print,
            # The first keeps the old ref, so letters made before "both" existed still match.
            ref=f"{role}:{resident.pk}" if i == 0 else f"{role}:{resident.pk}:{channel}",
        )
        for i, channel in enumerate(channels)
    ]


def resident_recipient(resident: Resident, *, role: str = RESIDENT) -> Recipient:
    """The resident's first (or only) channel: for one-off letters outside a complaint."""
    return resident_recipients(resident, role=role)[0]


def _authorised_representatives(complaint: Complaint) -> list[Representative]:
    reps = authorised_representatives(complaint.resident_id, on=timezone.localdate())
    return [r for r in reps if r.covers(complaint.pk) and r.letters_to_representative]


def recipients_for(complaint: Complaint) -> list[Recipient]:
    """Everyone a letter about `complaint` goes to, each with their channel."""
    representatives = _authorised_representatives(complaint)
    if not representatives:
        return resident_recipients(complaint.resident)
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
        found.extend(resident_recipients(complaint.resident, role=RESIDENT_COPY))
    return found
