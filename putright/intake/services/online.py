"""The public online complaint form: no login, honeypot and rate limit (Code 3.1)."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from putright.complaints import services as complaint_services
from putright.complaints.constants import Channel, Direction
from putright.complaints.models import Complaint
from putright.complaints.services.record import check_upload
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.locks import hold
from putright.intake.constants import (
    FORM_DUPLICATE_WINDOW_MINUTES,
    FORM_RATE_LIMIT,
    FORM_RATE_WINDOW_MINUTES,
    ONLINE_FORM_ACTOR_LABEL,
)
from putright.intake.models import FormSubmission
from putright.intake.services.notify import send_receipt
from putright.people import services as people_services
from putright.people.models import Adjustment, ContactChannel, Representative, Resident
from putright.people.services import resident_add

RATE_LIMITED = (
    "We have received several complaints from your connection in the last hour. "
    "Please wait a while and try again, or phone us."
)
SPAM_SUSPECTED = "We could not send your complaint. Please phone or email us instead."
TOO_MANY_FILES = "You can attach up to {n} files."
MAX_FILES = 5
# A resident asking for an adjustment online has it reviewed a year later (Code 5.10).
ONLINE_ADJUSTMENT_REVIEW_DAYS = 365


@dataclass
class OnlineComplaint:
    """The answers to the public form's question pages."""

    full_name: str
    email: str
    description: str
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
            f"Email: {self.email}",
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
            "Adjustments: "
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


def sent_already(fingerprint: str) -> Complaint | None:
    """The complaint made by the same submission minutes ago, if there is one."""
    since = timezone.now() - timedelta(minutes=FORM_DUPLICATE_WINDOW_MINUTES)
    earlier = (
        FormSubmission.objects.filter(
            fingerprint=fingerprint, at__gte=since, complaint__isnull=False
        )
        .select_related("complaint")
        .order_by("-at")
        .first()
    )
    return earlier.complaint if earlier else None


def rate_limited(key: str) -> bool:
    since = timezone.now() - timedelta(minutes=FORM_RATE_WINDOW_MINUTES)
    return FormSubmission.objects.filter(client_key=key, at__gte=since).count() >= FORM_RATE_LIMIT


def _resident_for(data: OnlineComplaint) -> tuple[Resident, bool]:
    """The resident complained for, and whether they were already known."""
    if not data.on_behalf:
        matches = list(Resident.objects.filter(email__iexact=data.email.strip())[:2])
        if len(matches) == 1:
            return matches[0], True
    resident = resident_add(
        full_name=data.resident_name if data.on_behalf else data.full_name,
        email="" if data.on_behalf else data.email,
        phone="" if data.on_behalf else data.phone,
        correspondence_address="" if data.on_behalf else data.address,
        is_customer=data.is_customer,
        actor=None,
    )
    return resident, False


@transaction.atomic
def online_complaint_submit(
    *,
    data: OnlineComplaint,
    files: list[UploadedFile],
    client_address: str,
    honeypot: str = "",
) -> Complaint:
    """A complaint from the public form, received today; the receipt goes through the outbox."""
    if honeypot.strip():
        raise RuleBroken(SPAM_SUSPECTED, field="honeypot")
    key = client_key(client_address)
    fingerprint = submission_fingerprint(data)
    # Checked and written under one lock per address and per submission, so neither two
    # submissions at the same instant nor ten from one address can all pass before any writes.
    hold(f"public-form:address:{key}", f"public-form:submission:{fingerprint}")
    earlier = sent_already(fingerprint)
    if earlier is not None:
        return earlier  # the same complaint again: no second complaint, no second receipt
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

    resident, _known = _resident_for(data)
    result = complaint_services.complaint_receive(
        resident=resident,
        channel=Channel.ONLINE_FORM,
        received_on=timezone.localdate(),
        description=data.description,
        issue_started_on=data.issue_started_on,
        spoken_to=data.spoken_to,
        outcome_wanted=data.outcome_wanted,
        actor=None,
        actor_label=ONLINE_FORM_ACTOR_LABEL,
    )
    complaint = result.complaint
    # The original complaint, word for word, with its documents (Code 5.12).
    complaint_services.correspondence_add(
        complaint=complaint,
        direction=Direction.INCOMING,
        channel=Channel.ONLINE_FORM,
        counterpart=data.full_name.strip(),
        subject="Online complaint form",
        body=data.summary(),
        files=files,
        actor=None,
        actor_label=ONLINE_FORM_ACTOR_LABEL,
    )
    if data.on_behalf:
        # Recorded but not authorised: staff ask for the authorisation form (policy 5.4).
        people_services.representative_add(
            resident=resident,
            full_name=data.full_name,
            relationship=data.relationship
            if data.relationship in Representative.Relationship.values
            else Representative.Relationship.OTHER,
            email=data.email,
            phone=data.phone,
            postal_address=data.address,
            scope=Representative.Scope.ONE_COMPLAINT,
            complaint=complaint,
            actor=None,
        )
    review_on = timezone.localdate() + timedelta(days=ONLINE_ADJUSTMENT_REVIEW_DAYS)
    for kind in data.adjustments:
        people_services.adjustment_add(
            resident=resident,
            kind=kind,
            detail=data.adjustment_detail,
            consent_given=True,  # asked for by the resident on the form, which says it is kept
            review_on=review_on,
            actor=None,
        )
    if data.contact_preference in {"phone", "letter"} and not data.on_behalf:
        people_services.adjustment_add(
            resident=resident,
            kind=Adjustment.Kind.PREFERRED_CHANNEL,
            channel=ContactChannel.PHONE
            if data.contact_preference == "phone"
            else ContactChannel.POST,
            detail=f"Prefers contact by {data.contact_preference}",
            consent_given=True,
            review_on=review_on,
            actor=None,
        )
    FormSubmission.objects.create(client_key=key, fingerprint=fingerprint, complaint=complaint)
    send_receipt(complaint, to=data.email.strip(), name=data.full_name.strip())
    return complaint
