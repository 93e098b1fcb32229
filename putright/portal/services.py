"""Signing in to the resident portal by a one-time emailed link, and who may see what.

A portal session is not a staff session: it holds only the signed-in person (a resident or
an authorised representative) under its own session key, never a Django user.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from putright.core.errors import InvalidInput
from putright.core.messages import SIGN_IN, OutgoingMessage, queue_message
from putright.people.models import Representative, Resident
from putright.people.selectors import authorised_representatives
from putright.portal.models import SignInLink

LINK_LIFETIME = timedelta(minutes=30)
SESSION_KEY = "portal_principal"
SESSION_AGE_SECONDS = 60 * 60  # signed out after an hour of inactivity
# At most this many links to one address an hour, so the page cannot flood someone's inbox.
LINKS_PER_HOUR = 5

LINK_UNKNOWN = "This sign-in link is not valid. Ask for a new one."
LINK_USED = "This sign-in link has already been used. Ask for a new one."
LINK_EXPIRED = "This sign-in link has expired (links last 30 minutes). Ask for a new one."
NO_LONGER_AUTHORISED = "You are no longer authorised to act for this resident."
EMAIL_REQUIRED = "Enter your email address, like name@example.com."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is signed in to the portal: a resident, or a representative acting for one."""

    kind: str  # "resident" or "representative"
    id: int
    resident_id: int
    name: str

    @property
    def label(self) -> str:
        who = "resident" if self.kind == "resident" else "representative"
        return f"{self.name} ({who}, resident portal)"


def sign_in_link_request(*, email: str, base_url: str) -> None:
    """Ask for sign-in links to `email`: checks the address and queues the work, nothing more.

    The request does exactly the same, in the same time, whether or not the address is
    known (so the page cannot be used to find out who has complained, even by timing), and
    never waits for a mail server: looking the address up and emailing happen in the task
    worker (``sign_in_links_send``).
    """
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise InvalidInput(EMAIL_REQUIRED, field="email")
    from putright.portal.tasks import send_sign_in_links

    transaction.on_commit(lambda: send_sign_in_links.enqueue(email, base_url))


@transaction.atomic
def sign_in_links_send(*, email: str, base_url: str) -> int:
    """Queue a one-time link to each resident and authorised representative with `email`,
    through the outbox. Returns how many links were queued (for tests)."""
    recent = SignInLink.objects.filter(
        email=email, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= LINKS_PER_HOUR:
        return 0
    today = timezone.localdate()
    people: list[Resident | Representative] = list(
        Resident.objects.filter(email__iexact=email, complaints__isnull=False).distinct()
    )
    for rep in Representative.objects.filter(email__iexact=email, ended_on__isnull=True):
        if rep.is_authorised_on(today):
            people.append(rep)
    sent = 0
    for person in people:
        token = secrets.token_urlsafe(32)
        SignInLink.objects.create(
            token_hash=_hash(token),
            resident=person if isinstance(person, Resident) else None,
            representative=person if isinstance(person, Representative) else None,
            email=email,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
        url = base_url.rstrip("/") + reverse("portal:redeem", args=[token])
        context = {
            "name": person.full_name,
            "url": url,
            "landlord_name": settings.PUTRIGHT_LANDLORD_NAME,
            "acting_for": person.resident.full_name if isinstance(person, Representative) else "",
        }
        queue_message(
            OutgoingMessage(
                kind=SIGN_IN,
                to=email,
                name=person.full_name,
                subject=f"Sign in to see your complaint – {settings.PUTRIGHT_LANDLORD_NAME}",
                body=render_to_string("portal/email/sign_in.txt", context),
                key=f"sign_in:{_hash(token)}",
                resident=person if isinstance(person, Resident) else person.resident,
                role="resident" if isinstance(person, Resident) else "representative",
                body_after_sending=render_to_string(
                    "portal/email/sign_in.txt", {**context, "url": "[link removed once sent]"}
                ),
            )
        )
        sent += 1
    return sent


def _principal_for(link: SignInLink) -> Principal:
    if link.resident_id:
        r = link.resident
        return Principal(kind="resident", id=r.pk, resident_id=r.pk, name=r.full_name)
    rep = link.representative
    return Principal(
        kind="representative", id=rep.pk, resident_id=rep.resident_id, name=rep.full_name
    )


@transaction.atomic
def sign_in_link_redeem(*, token: str) -> Principal:
    """Use a link once, within its lifetime; returns who it signs in."""
    link = (
        SignInLink.objects.select_for_update(of=("self",))
        .select_related("resident", "representative")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if link is None:
        raise InvalidInput(LINK_UNKNOWN, field="token")
    if link.used_at is not None:
        raise InvalidInput(LINK_USED, field="token")
    if link.expires_at <= timezone.now():
        raise InvalidInput(LINK_EXPIRED, field="token")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    principal = _principal_for(link)
    if principal.kind == "representative" and not link.representative.is_authorised_on(
        timezone.localdate()
    ):
        raise InvalidInput(NO_LONGER_AUTHORISED, field="token")
    return principal


def to_session(principal: Principal) -> dict:
    return {"kind": principal.kind, "id": principal.id}


def from_session(value: object) -> Principal | None:
    """The principal stored in a portal session, re-checked against today's authorisation."""
    if not isinstance(value, dict) or value.get("kind") not in {"resident", "representative"}:
        return None
    try:
        pk = int(value["id"])
    except (KeyError, TypeError, ValueError):
        return None
    if value["kind"] == "resident":
        resident = Resident.objects.filter(pk=pk).first()
        if resident is None:
            return None
        return Principal(kind="resident", id=pk, resident_id=pk, name=resident.full_name)
    rep = Representative.objects.filter(pk=pk).first()
    if rep is None or rep not in authorised_representatives(
        rep.resident_id, on=timezone.localdate()
    ):
        return None
    return Principal(kind="representative", id=pk, resident_id=rep.resident_id, name=rep.full_name)
