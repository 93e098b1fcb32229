"""`manage.py refresh_stored`: every stored derived value written again by its one writer —
nothing moves on what the services made, and each value broken by a direct UPDATE (as a
restore, a bulk load or an admin edit could leave it) is put right."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Subquery

from putright.accounts.models import User
from putright.complaints.models import Complaint, OutstandingAction, Remedy, Stage
from putright.complaints.services.common import CLOCK_FIELDS
from putright.complaints.services.stored import STAGE_FIELDS
from putright.complaints.tests.stories import (
    acknowledged,
    apology,
    escalated,
    extended,
    received,
    responded,
    roof_repair,
    stage_of,
)
from putright.people import services as people_services
from putright.people.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def stored() -> dict[str, list[tuple]]:
    return {
        "complaints": list(
            Complaint.objects.order_by("pk").values_list(
                "pk", *CLOCK_FIELDS, "resident_vulnerable", "tenure_at_receipt"
            )
        ),
        "stages": list(Stage.objects.order_by("pk").values_list("pk", *STAGE_FIELDS)),
        "remedies": list(Remedy.objects.order_by("pk").values_list("pk", "chased_by_id")),
        "actions": list(OutstandingAction.objects.order_by("pk").values_list("pk", "chased_by_id")),
    }


def refresh(*args: str) -> str:
    out = StringIO()
    call_command("refresh_stored", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cases(open_complaint, handler, second_handler):
    """Rosa's complaint extended (an update owed) and Rosa vulnerable; Ali's answered by Hamid
    as an early resolution with an apology and a roof repair Hannah owns, then escalated to
    stage 2 (no handler yet, so the team chases the apology). All through the services."""
    rosa = extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
    people_services.vulnerability_add(
        resident=rosa.resident,
        description="Hard of hearing.",
        consent_given=True,
        actor=handler,
        review_on=date(2026, 9, 1),
    )
    ali = acknowledged(
        received(resident=ResidentFactory(full_name="Ali Khan"), actor=handler),
        actor=handler,
        handler=handler,
    )
    ali = responded(
        ali,
        actor=handler,
        remedies=[apology()],
        actions=[roof_repair(owner=second_handler)],
        early_resolution=True,
    )
    ali = escalated(ali, actor=handler)
    rosa.refresh_from_db()
    # The values this test guards are really there to be broken.
    assert (rosa.resident_vulnerable, rosa.current_extended) == (True, True)
    assert rosa.tenure_at_receipt == "lcra"
    assert rosa.update_due is not None
    assert stage_of(ali, 1).timeliness_stored
    assert (stage_of(ali, 1).early_resolution, stage_of(ali, 1).outcome) == (True, "upheld")
    assert stage_of(rosa, 1).extended
    assert ali.outstanding_actions.get().chased_by == second_handler
    assert ali.remedies.get().chased_by is None  # the team's until stage 2 has a handler
    return rosa, ali


def test_refreshing_what_the_services_made_changes_nothing(cases):
    before = stored()
    assert "corrected: nothing" in refresh()
    assert stored() == before


def _rosa(cases):
    return Complaint.objects.filter(pk=cases[0].pk)


def _rosa_stage(cases):
    return Stage.objects.filter(complaint=cases[0])


def _ali_stage_one(cases):
    return Stage.objects.filter(complaint=cases[1], number=1)


BREAKS = {
    "resident_vulnerable": (_rosa, {"resident_vulnerable": False}),
    "tenure_at_receipt": (_rosa, {"tenure_at_receipt": "leasehold"}),
    "tenure_at_receipt not written": (_rosa, {"tenure_at_receipt": None}),
    "current_extended": (_rosa, {"current_extended": False}),
    "complaint update_due": (_rosa, {"update_due": None}),
    "next_due": (_rosa, {"next_due": date(2026, 12, 25)}),
    "stage update_due": (_rosa_stage, {"update_due": date(2026, 12, 25)}),
    "stage response_due": (_rosa_stage, {"response_due": date(2026, 12, 25)}),
    "ack_timeliness": (_ali_stage_one, {"ack_timeliness": ""}),
    "response_timeliness": (_ali_stage_one, {"response_timeliness": ""}),
    "timeliness_stored": (_ali_stage_one, {"timeliness_stored": False}),
    "stage extended": (_rosa_stage, {"extended": False}),
    "outcome": (_ali_stage_one, {"outcome": ""}),
    # Both ways: an early resolution's flag lost, and one set on a stage with no response.
    "early_resolution": (_ali_stage_one, {"early_resolution": False}),
    "early_resolution without a response": (_rosa_stage, {"early_resolution": True}),
    "remedy chased_by": (
        lambda cases: Remedy.objects.filter(complaint=cases[1]),
        {"chased_by_id": Subquery(User.objects.filter(username="hamid").values("pk")[:1])},
    ),
    "action chased_by": (
        lambda cases: OutstandingAction.objects.filter(complaint=cases[1]),
        {"chased_by": None},
    ),
}


@pytest.mark.parametrize("broken", list(BREAKS))
def test_a_stored_value_broken_by_a_direct_update_is_written_again(cases, broken):
    before = stored()
    rows, values = BREAKS[broken]
    assert rows(cases).update(**values) == 1
    assert stored() != before
    said = refresh("--batch", "1")  # one complaint per transaction: every batch boundary
    assert "corrected: nothing" not in said
    assert stored() == before
    assert "corrected: nothing" in refresh()  # and again: nothing left to do


def test_a_run_resumes_after_the_last_complaint_it_reported(cases):
    rosa, ali = cases
    _rosa(cases).update(current_extended=False)
    OutstandingAction.objects.filter(complaint=ali).update(chased_by=None)
    said = refresh("--after", str(rosa.pk))  # Rosa's was done before the stop
    assert f"Checked 1 complaints (up to id {ali.pk})" in said
    assert OutstandingAction.objects.get(complaint=ali).chased_by is not None
    assert not Complaint.objects.get(pk=rosa.pk).current_extended


def test_the_fill_writes_every_stored_stage_fact_of_stages_loaded_without_them(cases):
    """`stage_timeliness_fill` (after an upgrade or a bulk load) writes the timeliness and
    the answer of stages that have none, as the services wrote them."""
    before = stored()
    assert Stage.objects.filter(outcome="").exclude(responded_on=None).count() == 0
    Stage.objects.update(
        timeliness_stored=False,
        ack_timeliness="",
        response_timeliness="",
        outcome="",
        early_resolution=True,
        extended=False,
    )
    call_command("stage_timeliness_fill", stdout=StringIO())
    assert stored() == before
