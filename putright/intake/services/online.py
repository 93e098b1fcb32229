"""The public online complaint form: no login, honeypot and rate limit (Code 3.1)."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from putright.complaints.services.record import check_upload
from putright.core.clock import now
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.locks import hold
from putright.intake.constants import (
    FORM_DUPLICATE_WINDOW_MINUTES,
    FORM_RATE_LIMIT,
    FORM_RATE_WINDOW_MINUTES,
    IntakeChannel,
)
from putright.intake.models import FormSubmission, IntakeItem
from putright.intake.services.items import IncomingFile, item_receive
from putright.intake.services.notify import send_looking_at_it
from putright.people.models import Adjustment

RATE_LIMITED = (
    "We have received several complaints from your connection in the last hour. "
    "Please wait a while and try again, or phone us."
)
SPAM_SUSPECTED = "We could not send your complaint. Please phone or email us instead."
TOO_MANY_FILES = "You can attach up to {n} files."
NO_CONTACT_ROUTE = "Enter an email address, a phone number or a postal address so we can reply"
MAX_FILES = 5


@dataclass
class OnlineComplaint:
    """The answers to the public form's question pages."""

    full_name: str
    description: str
    email: str = ""
    phone: str = ""
    address: str = ""
    is_customer: bool = True
    on_behalf: bool = False
    resident_name: str = ""
    relationship: str = ""
    issue_started_on: date | None = None
    spoken_to: str = ""
    outcome_wanted: str = ""
    contact_preference: str = "email"
    adjustments: list[str] = field(default_factory=list)
    adjustment_detail: str = ""

    def summary(self) -> str:
        lines = [
            f"Name: {self.full_name}",
            f"Email: {self.email or '—'}",
            f"Phone: {self.phone or '—'}",
            f"Address: {self.address or '—'}",
            f"Customer of the landlord: {'yes' if self.is_customer else 'no'}",
        ]
        if self.on_behalf:
            lines.append(f"Complaining on behalf of: {self.resident_name} ({self.relationship})")
        lines += [
            "",
            f"What is wrong: {self.description}",
            f"When it started: {self.issue_started_on:%d %B %Y}"
            if self.issue_started_on
            else "When it started: not given",
            f"Who they have spoken to: {self.spoken_to or '—'}",
            f"What they want to happen: {self.outcome_wanted or '—'}",
            f"Preferred contact: {self.contact_preference}",
            "Adjustments (stated, to confirm): "
            + (
                ", ".join(Adjustment.Kind(k).label for k in self.adjustments)
                + (f" – {self.adjustment_detail}" if self.adjustment_detail else "")
                if self.adjustments
                else "none"
            ),
        ]
        return "\n".join(lines)


def client_key(address: str) -> str:
    """A keyed hash of the client address: enough to rate-limit, no IP address kept."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def submission_fingerprint(data: "OnlineComplaint") -> str:
    """A keyed hash of who sent what; spacing and case do not make a different complaint."""
    words = " ".join(data.description.split()).lower()
    phone = "".join(ch for ch in data.phone if ch.isdigit())
    who = f"{data.email.strip().lower()}|{phone}|{data.resident_name.strip().lower()}"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{who}|{words}".encode()).hexdigest()


def sent_already(fingerprint: str) -> IntakeItem | None:
    """The message sent by the same submission minutes ago, if there is one."""
    since = timezone.now() - timedelta(minutes=FORM_DUPLICATE_WINDOW_MINUTES)
    earlier = (
        FormSubmission.objects.filter(fingerprint=fingerprint, at__gte=since, item__isnull=False)
        .select_related("item")
        .order_by("-at")
        .first()
    )
    return earlier.item if earlier else None


def rate_limited(key: str) -> bool:
    since = timezone.now() - timedelta(minutes=FORM_RATE_WINDOW_MINUTES)
    return FormSubmission.objects.filter(client_key=key, at__gte=since).count() >= FORM_RATE_LIMIT


def stated_adjustments(data: OnlineComplaint) -> list[str]:
    """What the sender asked for, to be confirmed by staff before any letter uses it."""
    kinds = [k for k in data.adjustments if k in Adjustment.Kind.values]
    if data.contact_preference in {"phone", "letter"} and not data.on_behalf:
        kinds.append(Adjustment.Kind.PREFERRED_CHANNEL)
    return kinds


@transaction.atomic
def online_complaint_submit(
    *,
    data: OnlineComplaint,
    files: list[UploadedFile],
    client_address: str,
    honeypot: str = "",
) -> IntakeItem:
    """A message from the public form: an intake item received now, for a person to decide on.

    Adjustments are recorded as stated, and a resident with the same email only suggested:
    anyone can type a resident's email into the form, so nothing is applied to a resident's
    record or letters until staff confirm. The receipt says the message is being looked at.
    """
    if honeypot.strip():
        raise RuleBroken(SPAM_SUSPECTED, field="honeypot")
    key = client_key(client_address)
    fingerprint = submission_fingerprint(data)
    # Checked and written under one lock per address and per submission, so neither two
    # submissions at the same instant nor ten from one address can all pass before any writes.
    hold(f"public-form:address:{key}", f"public-form:submission:{fingerprint}")
    earlier = sent_already(fingerprint)
    if earlier is not None:
        return earlier  # the same message again: no second item, no second receipt
    if rate_limited(key):
        raise RuleBroken(RATE_LIMITED, field="rate_limit")
    if len(files) > MAX_FILES:
        raise InvalidInput(TOO_MANY_FILES.format(n=MAX_FILES), field="files")
    for upload in files:
        check_upload(upload)
    if data.on_behalf and not data.resident_name.strip():
        raise InvalidInput(
            "Enter the name of the person you are complaining for.", field="resident_name"
        )
    if not (data.email.strip() or data.phone.strip() or data.address.strip()):
        raise InvalidInput(NO_CONTACT_ROUTE, field="email")

    incoming = []
    for upload in files:
        upload.seek(0)
        incoming.append(IncomingFile(name=upload.name or "document", content=upload.read()))
    item = item_receive(
        channel=IntakeChannel.ONLINE_FORM,
        received_at=now(),
        subject="Online complaint form",
        body=data.description,
        sender_name=data.full_name,
        sender_email=data.email,
        sender_phone=data.phone,
        sender_address=data.address,
        answers={
            "summary": data.summary(),
            "is_customer": data.is_customer,
            "on_behalf": data.on_behalf,
            "resident_name": data.resident_name,
            "relationship": data.relationship,
            "issue_started_on": data.issue_started_on.isoformat() if data.issue_started_on else "",
            "spoken_to": data.spoken_to,
            "outcome_wanted": data.outcome_wanted,
            "contact_preference": data.contact_preference,
            "adjustment_detail": data.adjustment_detail,
        },
        stated_adjustments=stated_adjustments(data),
        # Someone complaining for another person is not that person: no match suggested.
        suggested_resident=None,
        match_by_email=not data.on_behalf,
        files=incoming,
    )
    FormSubmission.objects.create(client_key=key, fingerprint=fingerprint, item=item)
    send_looking_at_it(item, to=data.email.strip(), name=data.full_name.strip())
    return item
