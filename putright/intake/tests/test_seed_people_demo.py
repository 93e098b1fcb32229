"""seed_people_demo adds people and intake data to seed_demo's residents, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from putright.intake.models import (
    FollowUpTask,
    InboundEmail,
    IntakeItem,
    ServiceRequest,
    SurveyResponse,
)
from putright.people.models import Adjustment, ContactRestriction, Representative, Vulnerability


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small demo for the module, rolled back afterwards."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--complaints", "40", "--seed", "3", stdout=StringIO())
        call_command("seed_people_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_demo_has_every_kind_of_people_and_intake_record(demo):
    assert "People and intake demo data added." in demo
    assert Representative.objects.count() == 6
    assert Representative.objects.filter(form_received=False).count() == 1
    assert Adjustment.objects.count() >= 8
    assert Vulnerability.objects.count() >= 5
    assert ContactRestriction.objects.count() == 3
    assert ServiceRequest.objects.count() == 12
    assert ServiceRequest.objects.filter(complaints__isnull=False).count() == 3
    assert SurveyResponse.objects.count() == 30
    assert FollowUpTask.objects.filter(status="done").count() == 3
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {
        "item",
        "quarantined",
        "added_to_case",
    }
    # The intake inbox has something from every kind of channel, and a decision made.
    channels = set(IntakeItem.objects.values_list("channel", flat=True))
    assert {"email", "phone", "social_media", "in_person", "survey"} <= channels
    assert IntakeItem.objects.filter(decision="spam").count() == 1
    assert IntakeItem.objects.filter(decision="", suggested_label="complaint").exists()
    assert "Resident portal: go to /portal/" in demo


def test_running_it_again_adds_nothing(demo):
    out = StringIO()
    call_command("seed_people_demo", stdout=out)
    assert "already present; nothing added" in out.getvalue()
    assert Representative.objects.count() == 6
