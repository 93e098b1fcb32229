"""recipients_for: who a letter goes to – the resident, or an authorised representative
(copied to the resident where asked), each by their own channel (Code 3.6, 5.10; policy 5.4)."""

from datetime import timedelta

import pytest

from putright.core.clock import today
from putright.letters.constants import DeliveryChannel
from putright.letters.recipients import (
    REPRESENTATIVE,
    RESIDENT,
    RESIDENT_COPY,
    recipients_for,
)
from putright.people.models import Representative

pytestmark = pytest.mark.django_db


def represent(case, **kwargs) -> Representative:
    values = {
        "resident": case.resident,
        "full_name": "Sam Advocate",
        "relationship": Representative.Relationship.ADVOCATE,
        "email": "sam@advocacy.example",
        "form_received": True,
        "authorised_on": today() - timedelta(days=7),
    }
    values.update(kwargs)
    return Representative.objects.create(**values)


def test_without_a_representative_letters_go_to_the_resident(complaint):
    (only,) = recipients_for(complaint)
    assert (only.name, only.role, only.channel) == ("Rosa Bell", RESIDENT, DeliveryChannel.EMAIL)


def test_an_authorised_representative_gets_the_letter_instead(complaint):
    represent(complaint)
    (only,) = recipients_for(complaint)
    assert (only.name, only.role, only.to_address) == (
        "Sam Advocate",
        REPRESENTATIVE,
        "sam@advocacy.example",
    )


def test_the_resident_is_copied_when_asked(complaint):
    represent(complaint, copy_to_resident=True)
    found = recipients_for(complaint)
    assert [(r.name, r.role) for r in found] == [
        ("Sam Advocate", REPRESENTATIVE),
        ("Rosa Bell", RESIDENT_COPY),
    ]


def test_an_unauthorised_expired_or_other_complaint_representative_is_ignored(complaint):
    represent(complaint, form_received=False)
    represent(complaint, expires_on=today() - timedelta(days=1))
    represent(
        complaint, scope=Representative.Scope.ONE_COMPLAINT, complaint=None, full_name="Other"
    )
    represent(complaint, letters_to_representative=False)
    assert [r.role for r in recipients_for(complaint)] == [RESIDENT]


def test_a_representative_without_email_is_written_to_by_post(complaint):
    represent(complaint, email="", postal_address="2 Law Street, EX1 2LS")
    (only,) = recipients_for(complaint)
    assert (only.channel, only.to_address) == (DeliveryChannel.POST, "2 Law Street, EX1 2LS")
