"""One clock for every deadline: what is stored, shown, served by the API and checked when
extending all come from ``rules.clocks`` and cannot disagree (issue 16).

Dates (see stories.MONDAY): acknowledged Mon 2 March 2026, so the response is due 10 working
days later: 3-6 Mar (4), 9-13 Mar (9), Mon 16 Mar (10). The cap is 10 working days after
that: 17-20 Mar (4), 23-27 Mar (9), Mon 30 Mar (10).
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from putright.complaints import services
from putright.complaints.models import NonWorkingDay
from putright.complaints.services import closures
from putright.complaints.tests.stories import (
    extended,
    last_event,
    reload,
    responded,
    stage_of,
    travel,
)
from putright.core.clock import today
from putright.core.errors import InvalidInput, RuleBroken
from putright.rules.clocks import DUE_NOT_WORKING_DAY

pytestmark = pytest.mark.usefixtures("monday")


def _extend(complaint, handler, new_due, **kwargs):
    return services.stage_extend(
        stage=stage_of(complaint),
        new_due=new_due,
        reason="Waiting for the roofer's survey.",
        resident_informed_on=today(),
        update_interval_days=5,
        actor=handler,
        **kwargs,
    )


def test_the_reported_disagreement_is_gone_stored_shown_api_and_extend_agree(
    client, open_complaint, handler, time_machine
):
    # Wed 4 Mar: extended to Fri 20 Mar (4 working days past 16 Mar, within the cap).
    travel(time_machine, date(2026, 3, 4))
    _extend(open_complaint, handler, date(2026, 3, 20))
    # Thu 5 Mar: a closure for Tue 10 Mar is recorded. The original due date had already
    # settled when the extension was measured against it, so it stays 16 Mar everywhere
    # (before: the case page recounted it to 17 Mar while the stored value said 16 Mar).
    travel(time_machine, date(2026, 3, 5))
    closures.closure_add(day=date(2026, 3, 10), reason="Staff training day", actor=handler)

    stage = stage_of(open_complaint)
    assert stage.response_due_original == date(2026, 3, 16)
    assert stage.response_due == date(2026, 3, 20)

    client.force_login(handler)
    page = client.get(
        reverse("complaints:case", kwargs={"reference": open_complaint.reference})
    ).content.decode()
    assert "extended from 16 March 2026" in page
    assert "17 March 2026" not in page

    api = client.get(f"/api/v1/complaints/{open_complaint.reference}/").json()
    deadline = api["stages"][0]["response_deadline"]
    assert (deadline["original_due"], deadline["due"]) == ("2026-03-16", "2026-03-20")
    assert deadline["cap_due"] == "2026-03-30"

    # 10 working days past the date shown (16 Mar) is Mon 30 Mar: within the cap, so the
    # extension is accepted (before: measured from 17 Mar it was 11 days and refused, 409).
    preview = client.get(
        reverse("complaints:extension_preview", kwargs={"reference": open_complaint.reference}),
        {"new_due": "2026-03-30"},
    ).content.decode()
    assert "10 working days beyond the original date" in preview
    assert "Within the cap" in preview
    extension = _extend(open_complaint, handler, date(2026, 3, 30))
    assert (extension.working_days, extension.beyond_cap) == (10, False)
    # One day further, Tue 31 Mar, is 11 working days: beyond the cap without a good reason.
    with pytest.raises(RuleBroken, match="This extension is 11 working days"):
        _extend(open_complaint, handler, date(2026, 3, 31))


def test_the_extend_form_shows_the_cap_of_an_extension_agreed_today_not_of_the_last_one(
    client, open_complaint, handler, time_machine
):
    # Each extension's cap is counted with the calendar as it stood the day it was agreed
    # (Code 6.4), so the cap the form offers depends on the day it is asked.
    form = reverse(
        "complaints:action", kwargs={"reference": open_complaint.reference, "action": "extend"}
    )

    def cap_offered() -> str:
        page = client.get(form).content.decode()
        [cap] = re.findall(r"no later than <strong>([^<]+)</strong>", page)
        return cap

    # Wed 4 Mar: extended to Fri 20 Mar, against a cap of Mon 30 Mar.
    travel(time_machine, date(2026, 3, 4))
    _extend(open_complaint, handler, date(2026, 3, 20))
    client.force_login(handler)
    assert cap_offered() == "30 March 2026"
    # Thu 5 Mar: a closure for Tue 24 Mar is recorded. The extension agreed yesterday keeps
    # its cap (30 Mar, as the case record and the API have it), but one agreed today counts
    # the closure: 17-20 (4), 23 and 25-27 (8), 30-31 Mar (10) = Tue 31 Mar.
    travel(time_machine, date(2026, 3, 5))
    closures.closure_add(day=date(2026, 3, 24), reason="Staff training day", actor=handler)
    client.force_login(handler)  # a day later: signed in again
    api = client.get(f"/api/v1/complaints/{open_complaint.reference}/").json()
    assert api["stages"][0]["response_deadline"]["cap_due"] == "2026-03-30"
    assert cap_offered() == "31 March 2026"
    # The date offered is the one the service then applies: within the cap, at 10 days.
    extension = _extend(open_complaint, handler, date(2026, 3, 31))
    assert (extension.working_days, extension.beyond_cap) == (10, False)


def test_a_closure_recorded_before_the_first_extension_moves_the_original_date_on_the_record(
    open_complaint, handler, time_machine
):
    # Thu 5 Mar, not yet extended: the closure on Tue 10 Mar moves the open deadline from 16 to
    # 17 Mar, and the case record says so.
    travel(time_machine, date(2026, 3, 5))
    closures.closure_add(day=date(2026, 3, 10), reason="Staff training day", actor=handler)
    stage = stage_of(open_complaint)
    assert stage.response_due_original == stage.response_due == date(2026, 3, 17)
    assert reload(open_complaint).next_due == date(2026, 3, 17)
    event = last_event(open_complaint)
    assert event.code == "stage.deadline_moved"
    assert event.data["response_due"] == {"from": "2026-03-16", "to": "2026-03-17"}
    # The cap now counts from 17 Mar: 18-20 (3), 23-27 (8), 30-31 Mar (10) = Tue 31 Mar.
    extension = _extend(open_complaint, handler, date(2026, 3, 31))
    assert (extension.working_days, extension.beyond_cap) == (10, False)


def test_a_closure_recorded_after_the_response_changes_nothing_settled(
    open_complaint, handler, time_machine
):
    # Answered Tue 17 Mar, a day after the 16 Mar due date: late.
    travel(time_machine, date(2026, 3, 17))
    complaint = responded(open_complaint, actor=handler)
    events_before = complaint.events.count()
    # Wed 18 Mar: a closure for Tue 10 Mar is recorded after the day (an emergency closure
    # written up late). Accepted, marked as decided after the day, and it moves nothing.
    travel(time_machine, date(2026, 3, 18))
    closure = closures.closure_add(day=date(2026, 3, 10), reason="Flood", actor=handler)
    assert closure.decided_on == date(2026, 3, 18)
    assert closure.decided_after_the_day is True
    stage = stage_of(complaint)
    assert stage.response_due_original == stage.response_due == date(2026, 3, 16)
    assert complaint.events.count() == events_before


def test_removing_a_closure_withdraws_it_and_keeps_it_for_results_settled_while_it_stood(
    resident, handler, time_machine
):
    from putright.complaints.tests.stories import acknowledged, received

    closure = closures.closure_add(day=date(2026, 3, 10), reason="Training", actor=handler)
    complaint = acknowledged(received(resident=resident, actor=handler), actor=handler)
    # Counted with the closure: 16 Mar + 1 = Tue 17 Mar. Answered on 17 Mar: on time.
    travel(time_machine, date(2026, 3, 17))
    complaint = responded(complaint, actor=handler)
    travel(time_machine, date(2026, 3, 18))
    closures.closure_remove(closure=closure, actor=handler)

    assert NonWorkingDay.objects.get(pk=closure.pk).withdrawn_on == date(2026, 3, 18)
    assert stage_of(complaint).response_due == date(2026, 3, 17)
    # The day can be closed again, as a new decision.
    closures.closure_add(day=date(2026, 3, 10), reason="Training again", actor=handler)
    assert NonWorkingDay.objects.filter(day=date(2026, 3, 10)).count() == 2
    with pytest.raises(InvalidInput, match=closures.CLOSURE_ALREADY_WITHDRAWN):
        closures.closure_remove(closure=closure, actor=handler)


def test_a_live_extension_to_a_day_that_is_not_a_working_day_is_refused(open_complaint, handler):
    # Sat 21 Mar 2026.
    with pytest.raises(InvalidInput, match=DUE_NOT_WORKING_DAY):
        _extend(open_complaint, handler, date(2026, 3, 21))
    assert not stage_of(open_complaint).extensions.exists()


def test_an_imported_extended_date_on_a_weekend_is_flagged_on_the_case(
    client, open_complaint, handler
):
    from putright.complaints.events import replaying_history

    with replaying_history():
        _extend(open_complaint, handler, date(2026, 3, 21))  # a Saturday, as the old system had
    client.force_login(handler)
    page = client.get(
        reverse("complaints:case", kwargs={"reference": open_complaint.reference})
    ).content.decode()
    assert 'data-flag="non-working-day"' in page
    api = client.get(f"/api/v1/complaints/{open_complaint.reference}/").json()
    assert api["stages"][0]["response_deadline"]["due_is_working_day"] is False


def test_an_extension_agreed_before_an_earlier_one_is_refused(
    open_complaint, handler, time_machine
):
    travel(time_machine, date(2026, 3, 6))
    extended(open_complaint, actor=handler, new_due=date(2026, 3, 20))
    with pytest.raises(InvalidInput, match=services.stages.EXTENDED_BEFORE_LAST):
        _extend(open_complaint, handler, date(2026, 3, 24), extended_on=date(2026, 3, 5))


def test_a_closure_recorded_on_the_day_of_the_response_counts_for_it_on_the_record(
    open_complaint, handler, time_machine
):
    # Answered Tue 17 Mar, a day after the 16 Mar due date. Later that same day the office
    # records that it was closed on Tue 10 Mar: the day has not ended, so the clock counts the
    # closure for that response (due 17 Mar, on time), and the stored date and record follow.
    travel(time_machine, date(2026, 3, 17))
    complaint = responded(open_complaint, actor=handler)
    closures.closure_add(day=date(2026, 3, 10), reason="Flood", actor=handler)
    stage = stage_of(complaint)
    assert stage.response_due_original == stage.response_due == date(2026, 3, 17)
    event = last_event(complaint)
    assert event.code == "stage.deadline_moved"
    assert event.data["response_due"] == {"from": "2026-03-16", "to": "2026-03-17"}
