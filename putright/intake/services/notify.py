"""Emails to people who complained: the reference, the process, the timescales, the Ombudsman."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from putright.complaints.models import Complaint
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
    """Confirm receipt with the reference; called after commit, so a mail failure loses nothing."""
    if not to:
        return
    context = {**process_context(complaint.profile_code), "complaint": complaint, "name": name}
    send_mail(
        subject=f"Your complaint {complaint.reference} – {settings.PUTRIGHT_LANDLORD_NAME}",
        message=render_to_string("intake/email/receipt.txt", context),
        from_email=None,
        recipient_list=[to],
    )
