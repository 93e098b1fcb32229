"""Erasure on request: allowed once the law no longer needs the data, refused (and audited) before."""

from datetime import timedelta

import pytest

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received, travel
from putright.people.models import Resident
from putright.privacy.constants import AuditKind
from putright.privacy.models import AuditEntry
from putright.privacy.services import ErasureRefused, resident_erase
from putright.privacy.tests.conftest import TODAY
from putright.rules.retention import ErasureRefusal

ERASED = f"[removed at the resident's request on {TODAY.isoformat()}]"


def test_erasure_is_allowed_once_every_complaint_is_past_retention(old_cases, administrator):
    rosa_case, tom_case = old_cases

    entry = resident_erase(
        resident=rosa_case.resident, reason="Request by letter", actor=administrator
    )

    rosa = Resident.objects.get(pk=rosa_case.resident_id)
    assert (rosa.full_name, rosa.email, rosa.phone) == (ERASED, "", "")
    assert Complaint.objects.get(pk=rosa_case.pk).description == ERASED
    assert Complaint.objects.get(pk=tom_case.pk).description == tom_case.description
    assert (entry.kind, entry.actor, entry.reason, entry.resident_id_number) == (
        AuditKind.ERASURE,
        administrator,
        "Request by letter",
        rosa.pk,
    )
    assert entry.fields_removed > 20
    assert entry.files_removed == 2


def test_erasure_is_refused_while_a_complaint_is_open(
    old_cases, time_machine, handler, administrator
):
    rosa = old_cases[0].resident
    travel(time_machine, TODAY)
    received(resident=rosa, actor=handler)

    with pytest.raises(ErasureRefused) as refused:
        resident_erase(resident=rosa, reason="Request by phone", actor=administrator)

    assert refused.value.refusal is ErasureRefusal.OPEN_COMPLAINT
    assert refused.value.provision == "UK GDPR Art. 17(3)(b)"
    assert Resident.objects.get(pk=rosa.pk).full_name == "Rosa Bell"
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.refusal, entry.fields_removed) == (
        AuditKind.ERASURE_REFUSED,
        "open_complaint",
        0,
    )


def test_erasure_is_refused_within_the_retention_period_with_the_date_it_ends(
    old_cases, administrator
):
    rosa_case, _ = old_cases
    within = rosa_case.closed_on + timedelta(days=365)

    with pytest.raises(ErasureRefused) as refused:
        resident_erase(
            resident=rosa_case.resident, reason="Request", actor=administrator, today=within
        )

    assert refused.value.refusal is ErasureRefusal.WITHIN_RETENTION
    until = rosa_case.closed_on.replace(year=rosa_case.closed_on.year + 6)
    assert f"anonymised automatically after {until:%d %B %Y}" in refused.value.message
    assert "Art. 17(3)(b) and (e)" in refused.value.message
    assert Complaint.objects.get(pk=rosa_case.pk).description == rosa_case.description


def test_a_resident_already_anonymised_cannot_be_erased_twice(old_cases, administrator):
    rosa = old_cases[0].resident
    resident_erase(resident=rosa, reason="Request", actor=administrator)

    with pytest.raises(Exception, match="already been removed"):
        resident_erase(resident=rosa, reason="Request", actor=administrator)


def test_erasure_clears_the_vulnerable_flag_of_the_residents_complaints_only(
    old_cases, administrator, handler
):
    """The queue's "vulnerable resident" flag (stored on each complaint) follows the erased
    vulnerability: Rosa's complaint is no longer flagged, Tom's still is."""
    from putright.people import services as people_services

    rosa_case, tom_case = old_cases
    for case in old_cases:
        people_services.vulnerability_add(
            resident=case.resident,
            description="Hard of hearing.",
            consent_given=True,
            actor=handler,
            review_on=TODAY + timedelta(days=30),
        )
    flagged = dict(Complaint.objects.values_list("pk", "resident_vulnerable"))
    assert flagged == {rosa_case.pk: True, tom_case.pk: True}

    resident_erase(resident=rosa_case.resident, reason="Request by letter", actor=administrator)

    flagged = dict(Complaint.objects.values_list("pk", "resident_vulnerable"))
    assert flagged == {rosa_case.pk: False, tom_case.pk: True}
