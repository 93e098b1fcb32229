"""Demo data for people and intake, added to the residents and complaints seed_demo made.

Everything goes through the real services. Deterministic for a given seed; running it twice
adds nothing the second time.
"""

import itertools
import random
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from putright.complaints.models import Complaint
from putright.intake.constants import Decision
from putright.intake.models import IntakeItem, SurveyResponse
from putright.intake.services import items, surveys
from putright.intake.services import service_requests as sr
from putright.intake.services.email import email_import
from putright.people import services
from putright.people.models import (
    Adjustment,
    ContactChannel,
    ContactRestriction,
    Representative,
    Resident,
)

DEMO_SURVEY = "Demo: repairs satisfaction"

REPRESENTATIVES = [
    ("Ruth {surname}", Representative.Relationship.RELATIVE, True, None, True),
    ("Cllr Priya Shah", Representative.Relationship.COUNCILLOR, True, None, False),
    ("Dan Okoro (Citizens Advice)", Representative.Relationship.ADVOCATE, True, 200, True),
    ("Marsh & Co Solicitors", Representative.Relationship.SOLICITOR, True, None, False),
    ("Sam {surname}", Representative.Relationship.RELATIVE, False, None, False),
    ("Jo Patel MP", Representative.Relationship.MP, True, 10, False),
]
ADJUSTMENTS = [
    (Adjustment.Kind.LARGE_PRINT, "18pt, on yellow paper"),
    (Adjustment.Kind.INTERPRETER, "Polish interpreter for calls"),
    (Adjustment.Kind.EASY_READ, "Easy read versions of letters"),
    (Adjustment.Kind.CALL_BACK_TIMES, "Only after 4pm (works nights)"),
    (Adjustment.Kind.PREFERRED_CHANNEL, "Hard of hearing: written contact only, no calls"),
    (Adjustment.Kind.BSL, "BSL interpreter at meetings"),
    (Adjustment.Kind.BRAILLE, "Grade 2 Braille"),
    (Adjustment.Kind.LARGE_PRINT, "Large print"),
]
VULNERABILITIES = [
    ("Registered blind", True),
    ("Recent bereavement", False),
    ("COPD; affected by damp", True),
    ("Lives alone, aged 84", False),
    ("Mental health: anxiety, prefers written contact", True),
]
RESTRICTIONS = [
    (
        ContactRestriction.Restricts.SINGLE_POINT_OF_CONTACT,
        "Repeated abusive calls to the repairs team over two weeks.",
        "Call recordings of five calls in one week; notes by two call handlers.",
    ),
    (
        ContactRestriction.Restricts.WRITTEN_ONLY,
        "Threatening language at the office reception.",
        "Incident report by the reception manager; CCTV retained.",
    ),
    (
        ContactRestriction.Restricts.PHONE_TIMES,
        "Up to 30 calls a day to different teams about the same repair.",
        "Telephony log for the last two months.",
    ),
]
REQUESTS = [
    "Boiler not heating water",
    "Front door lock broken",
    "Kitchen tap dripping",
    "Communal light out on 3rd floor",
    "Fence panel blown down",
    "Extractor fan not working",
    "Damp patch in bedroom",
    "Window won't close",
    "Blocked drain outside",
    "Loose stair handrail",
    "Intercom not working",
    "Bathroom sealant mouldy",
]
COMMENTS_BAD = [
    "Engineer never turned up.",
    "Had to chase three times.",
    "Job left half done.",
    "Nobody called me back.",
]
COMMENTS_GOOD = ["Quick and polite.", "Fixed first time.", "Good service.", ""]


def _email(sender: str, subject: str, body: str, message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "complaints@thrive.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg.set_content(body)
    return bytes(msg)


@transaction.atomic
def seed(*, seed: int = 2024, log: Callable[[str], None] = print) -> dict[str, int]:
    """Add the people and intake demo data; returns how many of each were made."""
    if SurveyResponse.objects.filter(survey=DEMO_SURVEY).exists():
        log("People and intake demo data already present; nothing added.")
        return {}
    rng = random.Random(seed)  # noqa: S311  (demo data, not security)
    today = timezone.localdate()
    User = get_user_model()
    actor = (
        User.objects.filter(username="hamid").first()
        or User.objects.filter(role__in=["handler", "officer", "admin"]).first()
    )
    if actor is None:
        raise ValueError("Create the demo staff first (manage.py create_demo_users).")

    residents = list(
        Resident.objects.annotate(n=Count("complaints"))
        .filter(n__gt=0)
        .exclude(email="")
        .order_by("id")[:400]
    )
    if len(residents) < 20:
        raise ValueError("Run seed_demo first: this adds to its residents and complaints.")
    rng.shuffle(residents)
    picks = itertools.cycle(residents)
    counts = dict.fromkeys(
        (
            "representatives",
            "adjustments",
            "vulnerabilities",
            "restrictions",
            "service_requests",
            "complaints_from_requests",
            "survey_answers",
            "follow_ups",
            "emails",
            "intake_items",
        ),
        0,
    )

    for name, relationship, authorised, expires_in, copy in REPRESENTATIVES:
        resident = next(picks)
        surname = resident.full_name.split()[-1]
        complaint = resident.complaints.order_by("-received_on").first()
        one = relationship in {
            Representative.Relationship.MP,
            Representative.Relationship.SOLICITOR,
        }
        services.representative_add(
            resident=resident,
            full_name=name.format(surname=surname),
            relationship=relationship,
            email=f"{name.format(surname=surname).split()[0].lower()}.{surname.lower()}.rep@example.org",
            form_received=authorised,
            authorised_on=today - timedelta(days=rng.randint(20, 200)) if authorised else None,
            expires_on=today + timedelta(days=expires_in) if expires_in else None,
            scope=Representative.Scope.ONE_COMPLAINT
            if one
            else Representative.Scope.ALL_COMPLAINTS,
            complaint=complaint if one else None,
            letters_to_representative=True,
            copy_to_resident=copy,
            actor=actor,
        )
        counts["representatives"] += 1

    for i, (kind, detail) in enumerate(ADJUSTMENTS):
        resident = next(picks)
        channel = ""
        if kind == Adjustment.Kind.PREFERRED_CHANNEL:
            channel = ContactChannel.EMAIL if resident.email else ContactChannel.POST
        services.adjustment_add(
            resident=resident,
            kind=kind,
            channel=channel,
            detail=detail,
            consent_given=True,
            review_on=today + timedelta(days=5 if i < 2 else rng.randint(60, 300)),
            actor=actor,
        )
        counts["adjustments"] += 1

    for i, (description, disability) in enumerate(VULNERABILITIES):
        services.vulnerability_add(
            resident=next(picks),
            description=description,
            is_disability=disability,
            consent_given=True,
            review_on=today + timedelta(days=7 if i == 0 else rng.randint(60, 300)),
            actor=actor,
        )
        counts["vulnerabilities"] += 1

    for i, (restricts, reason, evidence) in enumerate(RESTRICTIONS):
        start = today - timedelta(days=rng.randint(30, 120))
        services.restriction_add(
            resident=next(picks),
            restricts=restricts,
            reason=reason,
            evidence=evidence,
            starts_on=start,
            review_on=today + timedelta(days=3 if i == 0 else rng.randint(30, 90)),
            proportionality="The least restrictive step that protects staff while the resident "
            "keeps full access to the complaints process.",
            equality_act_considered="Checked the record for disclosed disabilities and asked the "
            "resident whether any support or adjustment would help.",
            actor=actor,
        )
        counts["restrictions"] += 1

    for i, summary in enumerate(REQUESTS):
        resident = next(picks)
        requested = today - timedelta(days=rng.randint(1, 40))
        item = sr.service_request_create(
            resident=resident,
            summary=summary,
            requested_on=requested,
            due_on=requested + timedelta(days=rng.choice([7, 14, 28])),
            owner=actor,
            reference=f"REP-{70000 + i}",
            actor=actor,
        )
        counts["service_requests"] += 1
        status = ["open", "in_progress", "on_hold", "completed"][i % 4]
        if status != "open":
            sr.service_request_update(request=item, status=status, actor=actor, note="Demo update")
        if i % 4 == 1:
            sr.service_request_dissatisfied(
                request=item,
                what_is_wrong="Two appointments missed and nobody called to rearrange.",
                outcome_wanted="Fix it this week and explain what went wrong.",
                actor=actor,
            )
            counts["complaints_from_requests"] += 1

    lines = ["response_id,responded_on,score,resident_id,comment"]
    for i in range(30):
        resident = next(picks)
        score = rng.choice([1, 2, 3, 4, 4, 5, 5, 5])
        comment = rng.choice(COMMENTS_BAD if score <= 2 else COMMENTS_GOOD)
        responded = today - timedelta(days=rng.randint(1, 30))
        lines.append(f'D{i:03d},{responded.isoformat()},{score},{resident.pk},"{comment}"')
    result = surveys.survey_import_csv(
        text="\n".join(lines) + "\n", survey=DEMO_SURVEY, actor=actor
    )
    counts["survey_answers"], counts["follow_ups"] = result.created, result.follow_ups
    for task in list(
        SurveyResponse.objects.filter(survey=DEMO_SURVEY, dissatisfied=True).order_by("id")[:3]
    ):
        surveys.follow_up_complete(
            task=task.follow_up, how_told="Phoned and sent the complaints leaflet", actor=actor
        )

    open_case = (
        Complaint.objects.open().select_related("resident").exclude(resident__email="").first()
    )
    mails = [
        _email(
            "Grace Adeyemi <grace.adeyemi@example.net>",
            "Bins not collected again",
            "The communal bins at Orchard Court have not been emptied for three weeks.",
            "<demo-1@mail.example.net>",
        ),
        b"This is not an email at all",
        _email(
            "Kwame Boateng <kwame.boateng@example.net>",
            "Heating",
            "This is the third time I've chased the heating repair. It is not good enough with "
            "a baby in the flat.",
            "<demo-3@mail.example.net>",
        ),
        _email(
            "Sofia Marsh <sofia.marsh@example.net>",
            "Thank you",
            "Just wanted to say the caretaker at Mill House was brilliant this week. Thanks!",
            "<demo-4@mail.example.net>",
        ),
        _email(
            "Prize Team <winner@lottery.example>",
            "You have WON 1,000,000 GBP",
            "Click here to claim your prize now.",
            "<demo-5@mail.example.net>",
        ),
        _email(
            "Dev Patel <dev.patel@example.net>",
            "Rent statement",
            "Could you send me a copy of my rent statement for last year please?",
            "<demo-6@mail.example.net>",
        ),
    ]
    if open_case is not None:
        mails.append(
            _email(
                f"{open_case.resident.full_name} <{open_case.resident.email}>",
                f"RE: {open_case.reference}",
                "Another leak appeared this morning; photos to follow.",
                "<demo-2@mail.example.net>",
            )
        )
    for n, raw in enumerate(mails):
        email_import(raw=raw, source=f"demo:{n}")
        counts["emails"] += 1
    for channel, name, said in (
        (
            "phone",
            "Mrs Joyce Okafor",
            "Rang about the lift at Orchard Court: still broken after "
            "two weeks and nobody has called back. She is fed up.",
        ),
        (
            "social_media",
            "@orchardcourtres",
            "Bins overflowing again at Orchard Court, rats everywhere. Disgraceful.",
        ),
        ("in_person", "Mr Ali Hassan", "Asked at the office when the window repair is booked."),
    ):
        items.item_note_record(channel=channel, sender_name=name, body=said, actor=actor)
        counts["intake_items"] += 1
    spam = IntakeItem.objects.filter(sender_email="winner@lottery.example").first()
    if spam is not None:
        items.item_decide(item=spam, decision=Decision.SPAM, actor=actor)

    for key, value in counts.items():
        log(f"  {key.replace('_', ' ')}: {value}")
    return counts


def portal_demo_address() -> str:
    """An email address that can sign in to the portal and ask for stage 2."""
    complaint = (
        Complaint.objects.filter(status="stage1_responded")
        .exclude(resident__email="")
        .select_related("resident")
        .first()
    )
    return complaint.resident.email if complaint else ""
