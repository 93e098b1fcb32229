"""The stage 2 acknowledgement and response forms show what stage 1 defined, decided and
promised, and why the resident escalated (Code 6.11-6.13, 6.17), so nothing promised is
forgotten at the final stage."""

import pytest
from django.urls import reverse

from putright.complaints import services
from putright.complaints.tests.stories import (
    acknowledged,
    reload,
    responded,
    roof_repair,
    stage_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_stage_two(open_complaint, handler, second_handler):
    complaint = responded(open_complaint, actor=handler, actions=[roof_repair()])
    services.complaint_escalate(
        complaint=complaint,
        actor=handler,
        requested_on=None,
        reason="The roof still leaks when it rains.",
    )
    complaint = reload(complaint)
    services.stage_assign(
        conflict="none", stage=stage_of(complaint, 2), handler=second_handler, actor=handler
    )
    return reload(complaint)


def summary(page: str) -> str:
    return page.split('id="stage-one-summary"')[1].split("</section>")[0]


def test_the_stage_two_acknowledgement_form_shows_stage_one_and_the_reason_for_escalating(
    client, at_stage_two, second_handler
):
    client.force_login(second_handler)
    url = reverse("complaints:action", args=[at_stage_two.reference, "acknowledge"])
    shown = summary(client.get(url).content.decode())
    assert "The roof still leaks when it rains." in shown
    assert (
        "1. The leak in the kitchen ceiling reported on 5 January has not been repaired." in shown
    )
    assert "We did not do it." in shown
    assert "Remedy: A written apology from the repairs manager." in shown
    assert "Action: Replace the cracked roof tiles above the kitchen." in shown
    assert shown.count("Still open") == 2
    assert "Fix the leak and redecorate the kitchen; an apology." in shown


def test_the_stage_two_response_form_shows_which_stage_one_promises_are_still_open(
    client, at_stage_two, handler, second_handler
):
    complaint = acknowledged(at_stage_two, actor=second_handler)
    services.remedy_complete(remedy=complaint.remedies.get(), actor=handler)
    client.force_login(second_handler)
    url = reverse("complaints:action", args=[complaint.reference, "respond"])
    shown = summary(client.get(url).content.decode())
    assert shown.count("Still open") == 1
    assert "Action: Replace the cracked roof tiles above the kitchen." in shown


def test_stage_one_forms_show_no_stage_one_summary(client, complaint, handler):
    client.force_login(handler)
    url = reverse("complaints:action", args=[complaint.reference, "acknowledge"])
    assert 'id="stage-one-summary"' not in client.get(url).content.decode()
