"""The structured preferred channel decides how letters go; the free-text note never does
(issue 18: "Email only, no letters please" went by post because the note mentions letters)."""

import importlib

import pytest

from putright.core.errors import InvalidInput
from putright.letters.constants import DeliveryChannel
from putright.letters.recipients import recipients_for
from putright.people.models import Adjustment, ContactChannel
from putright.people.services import (
    CHANNEL_REQUIRED,
    EMAIL_CHANNEL_NEEDS_ADDRESS,
    adjustment_add,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module("putright.people.migrations.0004_adjustment_structured_channel")


def prefer(resident, channel: str, note: str = "") -> Adjustment:
    return Adjustment.objects.create(
        resident=resident, kind=Adjustment.Kind.PREFERRED_CHANNEL, channel=channel, detail=note
    )


def channels(complaint) -> list[str]:
    return [r.channel for r in recipients_for(complaint)]


def test_email_only_never_goes_by_post_whatever_the_note_says(complaint, resident):
    prefer(resident, ContactChannel.EMAIL, "Email only, no letters please")
    assert channels(complaint) == [DeliveryChannel.EMAIL]


def test_email_only_without_an_address_is_not_posted(complaint, resident):
    # No address to email: the letter is refused for want of one (letters.NO_ADDRESS), not posted.
    prefer(resident, ContactChannel.EMAIL, "Email only")
    resident.email = ""
    resident.save()
    (recipient,) = recipients_for(complaint)
    assert recipient.channel == DeliveryChannel.EMAIL
    assert recipient.to_address == ""


def test_post_only_goes_by_post_though_we_have_an_email(complaint, resident):
    prefer(resident, ContactChannel.POST, "Prefers email reminders but letters for decisions")
    assert channels(complaint) == [DeliveryChannel.POST]


def test_both_sends_one_by_email_and_one_by_post(complaint, resident):
    prefer(resident, ContactChannel.BOTH)
    found = recipients_for(complaint)
    assert [r.channel for r in found] == [DeliveryChannel.EMAIL, DeliveryChannel.POST]
    assert len({r.ref for r in found}) == 2  # each its own letter, produced exactly once


def test_a_note_alone_does_not_change_the_channel(complaint, resident):
    # A preferred-channel note whose channel was never chosen: flagged, the usual route used.
    adjustment = prefer(resident, "", "Letters by post only")
    assert adjustment.channel_needs_choosing
    assert channels(complaint) == [DeliveryChannel.EMAIL]


def test_a_preferred_channel_cannot_be_recorded_without_choosing_it(resident, handler):
    with pytest.raises(InvalidInput) as refused:
        adjustment_add(
            resident=resident,
            kind=Adjustment.Kind.PREFERRED_CHANNEL,
            detail="Email only, no letters please",
            consent_given=True,
            review_on=None,
            actor=handler,
        )
    assert (refused.value.field, refused.value.message) == ("channel", CHANNEL_REQUIRED)
    assert not Adjustment.objects.exists()


def test_email_only_needs_an_email_address(resident, handler, monday):
    resident.email = ""
    resident.save()
    with pytest.raises(InvalidInput) as refused:
        adjustment_add(
            resident=resident,
            kind=Adjustment.Kind.PREFERRED_CHANNEL,
            channel=ContactChannel.EMAIL,
            consent_given=True,
            review_on=monday.replace(year=monday.year + 1),
            actor=handler,
        )
    assert refused.value.message == EMAIL_CHANNEL_NEEDS_ADDRESS


@pytest.mark.parametrize(
    ("note", "channel"),
    [
        ("Email only, no letters please", "email"),
        ("Email only; hard of hearing", "email"),
        ("Letters by post only", "post"),
        ("Prefers contact by letter", "post"),
        ("post", "post"),
        ("No email - no internet at home, post please", "post"),
        ("Prefers contact by phone", "phone"),
        ("Both email and post", "both"),
        # Not sure: left for staff to choose.
        ("Email for updates, letters for decisions", ""),
        ("Sister reads everything to her", ""),
        ("No letters, no emails", ""),
        ("Letters please, phone first", "post"),
    ],
)
def test_the_migration_reads_the_old_notes_conservatively(note, channel):
    assert migration.channel_from_note(note) == channel


def test_the_migration_flags_what_it_could_not_read(resident, monday):
    from django.apps import apps

    readable = prefer(resident, "", "Email only, no letters please")
    unreadable = prefer(resident, "", "Sister reads everything to her")

    migration.read_channels(apps, None)

    readable.refresh_from_db()
    unreadable.refresh_from_db()
    assert readable.channel == ContactChannel.EMAIL
    assert unreadable.channel == ""
    assert unreadable.channel_needs_choosing
    assert unreadable.review_on is not None  # on the reviews list for staff to choose
