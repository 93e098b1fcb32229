"""Emails to people who complained: the reference, the process, the timescales, the Ombudsman."""

from django.conf import settings
from django.template.loader import render_to_string

from putright.complaints.models import Complaint
from putright.core.messages import RECEIPT, OutgoingMessage, queue_message
from putright.core.profile import profile_code
from putright.intake.models import IntakeItem
from putright.rules.profile import get_profile


def process_context(profile_code: str) -> dict:
    """What the resident is told about the process (Code 3.4, 3.7): stages, timescales, Ombudsman."""
    profile = get_profile(profile_code)
    return {
        "stages": profile.stages,
        "ombudsman": profile.ombudsman,
        "landlord_name": settings.PUTRIGHT_LANDLORD_NAME,
        "landlord_phone": settings.PUTRIGHT_LANDLORD_PHONE,
        "complaints_email": settings.PUTRIGHT_COMPLAINTS_EMAIL,
    }


def send_receipt(complaint: Complaint, *, to: str, name: str) -> None:
    """Confirm receipt with the reference, through the outbox (sent after commit, once).

    Called inside the complaint's transaction: the receipt is queued with the complaint, so
    a mail server that is down or slow never fails or holds up the request.
    """
    if not to:
        return
    context = {**process_context(complaint.profile_code), "complaint": complaint, "name": name}
    queue_message(
        OutgoingMessage(
            kind=RECEIPT,
            to=to,
            name=name,
            subject=f"Your complaint {complaint.reference} – {settings.PUTRIGHT_LANDLORD_NAME}",
            body=render_to_string("intake/email/receipt.txt", context),
            key=f"receipt:complaint:{complaint.pk}",
            complaint=complaint,
            resident=complaint.resident,
        )
    )


def send_looking_at_it(item: IntakeItem, *, to: str, name: str) -> None:
    """Tell the sender their message arrived and is being looked at: not that it is logged as
    a complaint, which only a person decides (Code 1.2)."""
    if not to:
        return
    context = {**process_context(profile_code()), "item": item, "name": name}
    queue_message(
        OutgoingMessage(
            kind=RECEIPT,
            to=to,
            name=name,
            subject=f"We have your message {item.reference} – {settings.PUTRIGHT_LANDLORD_NAME}",
            body=render_to_string("intake/email/received.txt", context),
            key=f"receipt:intake:{item.pk}",
        )
    )
