"""recipients_for: who a letter goes to. Representatives come from the people app (issue 4);
these tests use stand-ins with the same shape so the rule is pinned down now."""

from datetime import date
from types import SimpleNamespace

import pytest

from putright.letters.constants import DeliveryChannel
from putright.letters.recipients import (
    REPRESENTATIVE,
    RESIDENT,
    RESIDENT_COPY,
    recipients_for,
)

pytestmark = pytest.mark.django_db


class Rep(SimpleNamespace):
    def is_authorised_on(self, day: date) -> bool:
        return self.authorised

    def covers(self, complaint_id: int) -> bool:
        return self.complaint_id in (None, complaint_id)


def with_representatives(complaint, *reps):
    resident = complaint.resident
    stand_in = SimpleNamespace(
        full_name=resident.full_name,
        email=resident.email,
        postal_address=resident.postal_address,
        adjustments=resident.adjustments,
        representatives=SimpleNamespace(all=lambda: list(reps)),
    )
    return SimpleNamespace(pk=complaint.pk, resident=stand_in)


def rep(**kwargs) -> Rep:
    values = {
        "full_name": "Sam Advocate",
        "email": "sam@advocacy.example",
        "postal_address": "",
        "authorised": True,
        "complaint_id": None,
        "letters_to_representative": True,
        "copy_to_resident": False,
    }
    values.update(kwargs)
    return Rep(**values)


def test_without_a_representative_letters_go_to_the_resident(complaint):
    (only,) = recipients_for(complaint)
    assert (only.name, only.role, only.channel) == ("Rosa Bell", RESIDENT, DeliveryChannel.EMAIL)


def test_an_authorised_representative_gets_the_letter_instead(complaint):
    (only,) = recipients_for(with_representatives(complaint, rep()))
    assert (only.name, only.role, only.to_address) == (
        "Sam Advocate",
        REPRESENTATIVE,
        "sam@advocacy.example",
    )


def test_the_resident_is_copied_when_asked(complaint):
    found = recipients_for(with_representatives(complaint, rep(copy_to_resident=True)))
    assert [(r.name, r.role) for r in found] == [
        ("Sam Advocate", REPRESENTATIVE),
        ("Rosa Bell", RESIDENT_COPY),
    ]


def test_an_unauthorised_or_other_complaint_representative_is_ignored(complaint):
    found = recipients_for(
        with_representatives(complaint, rep(authorised=False), rep(complaint_id=-1))
    )
    assert [r.role for r in found] == [RESIDENT]


def test_a_representative_without_email_is_written_to_by_post(complaint):
    (only,) = recipients_for(
        with_representatives(complaint, rep(email="", postal_address="2 Law Street, EX1 2LS"))
    )
    assert (only.channel, only.to_address) == (DeliveryChannel.POST, "2 Law Street, EX1 2LS")
