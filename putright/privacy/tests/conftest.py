"""Residents whose complaints ended long ago (and one recent), built through the services."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from putright.complaints import services
from putright.complaints.constants import Channel, Direction
from putright.complaints.factories import CategoryFactory
from putright.complaints.tests.stories import (
    acknowledged,
    compensation,
    escalated,
    extended,
    received,
    reload,
    responded,
    travel,
)
from putright.letters.constants import LetterKind
from putright.letters.models import Letter
from putright.people import services as people_services
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.models import Tenure

# Monday 3 June 2019: the old complaints were received and closed that summer.
LONG_AGO = date(2019, 6, 3)
# Tuesday 1 December 2026: more than six years after they ended.
TODAY = date(2026, 12, 1)
PDF = b"%PDF-1.4\n% a letter\n"


@pytest.fixture(autouse=True)
def _no_automatic_letters(settings):
    # Letters here are made directly with a PDF; the automatic ones would render WeasyPrint.
    settings.PUTRIGHT_LETTERS_AUTOMATIC = False


@pytest.fixture
def repairs(db):
    return CategoryFactory(code="repairs", name="Repairs")


def raw_update_is_refused(event) -> bool:
    """Whether the database itself refuses a plain UPDATE of this case-record entry."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE complaints_caseevent SET summary = %s WHERE id = %s",
                ["Rewritten", event.pk],
            )
    except DatabaseError:
        return True
    return False


def letter_for(complaint, name: str) -> Letter:
    letter = Letter(
        complaint=complaint,
        resident=complaint.resident,
        kind=LetterKind.ACKNOWLEDGEMENT,
        stage=1,
        recipient_name=name,
        subject=f"Your complaint {complaint.reference}",
        context={"resident_name": name, "reference": complaint.reference},
        html=f"<p>Dear {name}</p>",
        text=f"Dear {name}",
        created_at=timezone.now(),
    )
    letter.pdf.save(f"{complaint.reference}-ack.pdf", ContentFile(PDF), save=False)
    letter.save()
    return letter


def closed_case(*, resident, handler, second_handler, category, start: date):
    """Two stages, an extension, compensation paid, letters and a photo; closed in the summer."""
    travel_to = start
    complaint = received(
        resident=resident,
        actor=handler,
        category=category,
        on=travel_to,
        outcome_wanted="Fix the leak",
        spoken_to="The repairs line, twice",
    )
    complaint = acknowledged(complaint, actor=handler, on=travel_to + timedelta(days=1))
    complaint = extended(
        complaint,
        actor=handler,
        new_due=travel_to + timedelta(days=22),
        reason=f"Waiting for {resident.full_name}'s surveyor.",
    )
    services.correspondence_add(
        complaint=complaint,
        direction=Direction.INCOMING,
        channel=Channel.EMAIL,
        counterpart=resident.full_name,
        subject="Photos of the ceiling",
        body=f"From {resident.full_name}, {resident.phone}",
        actor=handler,
        files=[SimpleUploadedFile("ceiling.jpg", b"\xff\xd8\xff photo", "image/jpeg")],
    )
    letter_for(complaint, resident.full_name)
    complaint = responded(
        complaint,
        actor=handler,
        on=travel_to + timedelta(days=9),
        remedies=[compensation(due_on=travel_to + timedelta(days=20))],
        learning="Check the roof after every storm.",
    )
    remedy = complaint.remedies.get()
    services.remedy_complete(remedy=remedy, actor=handler, note=f"Paid to {resident.full_name}")
    complaint = escalated(complaint, actor=handler)
    stage_two = complaint.stages.get(number=2)
    services.stage_assign(
        conflict="none", stage=stage_two, handler=second_handler, actor=second_handler
    )
    complaint = acknowledged(reload(complaint), actor=second_handler)
    complaint = responded(complaint, actor=second_handler, remedies=[], no_remedy_reason="Done.")
    services.complaint_close(complaint=reload(complaint), reason="Answered", actor=second_handler)
    return reload(complaint)


@pytest.fixture
def rosa(db):
    """Rosa Bell, a low-cost rental tenant at 14 Orchard Road, EX2 4RB, Orchard estate."""
    home = PropertyFactory(
        address_line_1="14 Orchard Road", postcode="EX2 4RB", estate="Orchard", block="A"
    )
    rosa = ResidentFactory(
        full_name="Rosa Bell", email="rosa.bell@example.org", phone="07700 900123", home=home
    )
    TenancyFactory(resident=rosa, home=home, tenure=Tenure.LOW_COST_RENTAL)
    return rosa


@pytest.fixture
def tom(db):
    """Tom Hart, a shared owner (low-cost home ownership) in the same block."""
    home = PropertyFactory(
        address_line_1="9 Orchard Road", postcode="EX2 4RB", estate="Orchard", block="A"
    )
    tom = ResidentFactory(full_name="Tom Hart", email="tom.hart@example.org", home=home)
    TenancyFactory(resident=tom, home=home, tenure=Tenure.LOW_COST_HOME_OWNERSHIP)
    return tom


@pytest.fixture
def old_cases(time_machine, rosa, tom, handler, second_handler, repairs):
    """Rosa's and Tom's complaints of summer 2019, closed; then the clock moves to TODAY."""
    travel(time_machine, LONG_AGO + timedelta(days=40))
    rosa_case = closed_case(
        resident=rosa,
        handler=handler,
        second_handler=second_handler,
        category=repairs,
        start=LONG_AGO,
    )
    tom_case = closed_case(
        resident=tom,
        handler=handler,
        second_handler=second_handler,
        category=repairs,
        start=LONG_AGO + timedelta(days=7),
    )
    people_services.adjustment_add(
        resident=rosa,
        kind="large_print",
        detail="18pt",
        consent_given=True,
        actor=handler,
        review_on=TODAY + timedelta(days=30),
    )
    travel(time_machine, TODAY)
    return rosa_case, tom_case
