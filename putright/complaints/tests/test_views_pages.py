"""The work queue, the case page and the dashboard: what staff see, and who may see it."""

from datetime import date, timedelta

import pytest

from putright.complaints.tests.pages import page_text, queue_rows
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    extended,
    received,
    responded,
    travel,
)
from putright.people.factories import ResidentFactory
from putright.people.models import Adjustment, Vulnerability
from putright.rules.workflow import OPEN_STATES, STATE_LABELS, State

pytestmark = pytest.mark.django_db


def test_the_work_queue_lists_open_complaints_by_next_deadline_with_days_left(
    client, handler, resident, category, monday
):
    later = received(resident=resident, actor=handler, on=monday)
    sooner = received(resident=resident, actor=handler, on=monday - timedelta(days=14))
    client.force_login(handler)
    rows = queue_rows(client.get("/?scope=all").content.decode())
    assert list(rows) == [sooner.reference, later.reference]
    # Received Monday 16 February: acknowledgement was due Monday 23 February.
    assert "Overdue Acknowledge stage 1 by 23 February 2026 5 working days overdue" in page_text(
        rows[sooner.reference]
    )
    assert "On track Acknowledge stage 1 by 9 March 2026 5 working days left" in page_text(
        rows[later.reference]
    )


def test_a_deadline_two_working_days_away_is_marked_due_soon_in_words(
    client, handler, resident, monday
):
    received(resident=resident, actor=handler, on=monday - timedelta(days=5))  # due Wednesday
    client.force_login(handler)
    page = client.get("/?scope=all").content.decode()
    assert "Due soon" in page
    assert "2 working days left" in page


def test_my_cases_team_and_unassigned_narrow_the_queue(
    client, handler, second_handler, officer, resident, monday
):
    from putright.complaints import services

    mine = received(resident=resident, actor=handler)
    theirs = received(resident=resident, actor=handler)
    nobodys = received(resident=resident, actor=handler)
    services.stage_assign(conflict="none", stage=mine.stages.get(), handler=handler, actor=officer)
    services.stage_assign(
        conflict="none", stage=theirs.stages.get(), handler=second_handler, actor=officer
    )
    client.force_login(handler)
    my_page = client.get("/").content.decode()  # a handler starts on "My cases"
    assert mine.reference in my_page
    assert theirs.reference not in my_page
    team = client.get("/?scope=team").content.decode()  # both are in the Complaints team
    assert mine.reference in team
    assert theirs.reference in team
    unassigned = client.get("/?scope=unassigned").content.decode()
    assert nobodys.reference in unassigned
    assert mine.reference not in unassigned
    client.force_login(officer)  # the officer allocates, so starts on every open complaint
    everything = client.get("/").content.decode()
    assert nobodys.reference in everything
    assert theirs.reference in everything


def test_the_queue_finds_a_complaint_by_reference_name_or_address(
    client, handler, resident, monday
):
    complaint = received(resident=resident, actor=handler)
    other = received(resident=ResidentFactory(full_name="Sam Khan"), actor=handler)
    client.force_login(handler)
    for query in (complaint.reference.lower(), "rosa bel", resident.home.address_line_1):
        page = client.get("/", {"scope": "all", "q": query}).content.decode()
        assert complaint.reference in page, query
        assert other.reference not in page, query


NOT_OPEN = [s for s in State if s not in OPEN_STATES]


@pytest.mark.parametrize("state", NOT_OPEN, ids=[s.value for s in NOT_OPEN])
def test_the_queue_status_filter_offers_and_lists_complaints_that_are_not_open(
    client, handler, resident, monday, state
):
    """Closed, withdrawn, excluded and responded complaints are reached from the queue: the
    status filter offers them and choosing one lists them (the open-only default does not
    hide them), whatever the scope shows; an open complaint is not listed with them."""
    from putright.complaints.models import Complaint

    done = received(resident=resident, actor=handler)
    Complaint.objects.filter(pk=done.pk).update(status=state.value, next_due=None)
    still_open = received(resident=resident, actor=handler)
    client.force_login(handler)
    queue = client.get("/", {"scope": "all"}).content.decode()
    assert f'<option value="{state.value}"' in queue
    assert done.reference not in queue
    page = client.get("/", {"scope": "all", "status": state.value}).content.decode()
    rows = queue_rows(page)
    assert list(rows) == [done.reference]
    assert still_open.reference not in page
    assert f"{done.reference} {STATE_LABELS[state]}" in page_text(rows[done.reference])
    assert "No deadline" in page_text(rows[done.reference])
    assert "1 complaint," in page_text(page)


def test_the_queue_pages_25_at_a_time(client, handler, resident, monday):
    for _ in range(27):
        received(resident=resident, actor=handler)
    client.force_login(handler)
    first = client.get("/?scope=all").content.decode()
    assert "Page 1 of 2" in first
    assert "CMP-2026-000026" not in first
    second = client.get("/?scope=all&page=2").content.decode()
    assert "CMP-2026-000026" in second


def test_the_vulnerable_filter_lists_only_complaints_from_vulnerable_residents_each_tagged(
    client, handler, resident, monday
):
    Vulnerability.objects.create(resident=resident, description="Hearing loss")
    vulnerable = received(resident=resident, actor=handler)
    recovered = ResidentFactory(full_name="Sam Khan")
    Vulnerability.objects.create(resident=recovered, description="Broken arm", active=False)
    no_longer = received(resident=recovered, actor=handler)
    other = received(resident=ResidentFactory(full_name="Ada Cole"), actor=handler)
    client.force_login(handler)

    everyone = queue_rows(client.get("/?scope=all").content.decode())
    assert set(everyone) == {vulnerable.reference, no_longer.reference, other.reference}
    tag = '<strong class="govuk-tag govuk-tag--orange">Vulnerable</strong>'
    assert [ref for ref, row in everyone.items() if tag in row] == [vulnerable.reference]

    filtered = queue_rows(client.get("/?scope=all&vulnerable=on").content.decode())
    assert list(filtered) == [vulnerable.reference]
    assert tag in filtered[vulnerable.reference]


def test_the_case_page_shows_adjustments_and_vulnerabilities_prominently(
    client, handler, open_complaint
):
    resident = open_complaint.resident
    Adjustment.objects.create(resident=resident, kind="large_print", detail="16pt")
    Adjustment.objects.create(resident=resident, kind="easy_read", active=False)
    Vulnerability.objects.create(resident=resident, description="Hearing loss")
    Vulnerability.objects.create(resident=resident, description="Broken arm", active=False)
    client.force_login(handler)
    page = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    start = page.index('<section class="putright-prominent"')
    box = page_text(page[start : page.index("</section>", start)])
    assert box == (
        "Honour these in every contact Reasonable adjustments (Code 5.10) Large print : 16pt "
        "Vulnerabilities and disabilities Hearing loss"
    )
    assert start < page.index("What you can do")  # above everything else on the page


def test_the_case_page_shows_each_stage_deadline_and_the_definition(
    client, handler, open_complaint
):
    client.force_login(handler)
    page = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert "16 March 2026" in page  # response due 10 working days after Monday 2 March
    assert "10 working days left" in page
    assert "The leak in the kitchen ceiling" in page


def test_the_case_page_names_the_bank_holiday_that_moved_a_deadline(
    client, handler, resident, time_machine
):
    from datetime import date

    from putright.complaints.tests.stories import travel

    travel(time_machine, date(2026, 3, 30))
    complaint = received(resident=resident, actor=handler)  # Good Friday 3 April in 5 WD
    client.force_login(handler)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "Good Friday" in page


def test_the_timeline_is_newest_first_and_filterable(client, handler, open_complaint):
    from putright.complaints import services

    services.note_add(complaint=open_complaint, text="Called Rosa back.", actor=handler)
    client.force_login(handler)
    everything = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert everything.index("Called Rosa back.") < everything.index("Complaint received by")
    notes = client.get(f"/complaints/{open_complaint.reference}/?show=notes").content.decode()
    timeline = notes[notes.index('id="timeline"') :]
    assert "Called Rosa back." in timeline
    assert "Complaint received by" not in timeline


def test_an_extended_complaint_is_marked_and_filterable(client, handler, resident, open_complaint):
    extended(open_complaint, actor=handler, new_due=open_complaint.next_due + timedelta(days=7))
    other = received(resident=resident, actor=handler)
    client.force_login(handler)
    tag = '<strong class="govuk-tag govuk-tag--grey">Extended</strong>'
    everyone = queue_rows(client.get("/?scope=all").content.decode())
    assert [ref for ref, row in everyone.items() if tag in row] == [open_complaint.reference]
    assert other.reference in everyone
    assert list(queue_rows(client.get("/?scope=all&extended=on").content.decode())) == [
        open_complaint.reference
    ]
    assert (
        "extended from" in client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    )


def test_the_dashboard_counts_open_work_and_timeliness(
    client, officer, handler, resident, monday, time_machine
):
    """Each figure is counted from known cases, as of Monday 2 March 2026 (week ends Sunday 8)."""

    def on(day: date) -> date:
        travel(time_machine, day)
        return day

    def log(day: date):
        on(day)
        return received(resident=resident, actor=handler)

    # Acknowledged on time in February (due 23 Feb); the response is due Friday 6 March.
    acknowledged(log(date(2026, 2, 16)), actor=handler, on=on(date(2026, 2, 20)))
    # Acknowledged 6 Feb (on time), answered late on 27 Feb (due 20 Feb), escalated today.
    to_escalate = acknowledged(log(date(2026, 2, 2)), actor=handler, on=on(date(2026, 2, 6)))
    to_escalate = responded(to_escalate, actor=handler, on=on(date(2026, 2, 27)))
    for _ in range(3):  # due 16 Feb, never acknowledged: overdue
        log(date(2026, 2, 9))
    log(date(2026, 2, 24))  # acknowledgement due Tuesday 3 March: due this week
    late = log(date(2026, 2, 9))
    on(monday)
    acknowledged(late, actor=handler)  # a week late; its response is due 16 March
    escalated(to_escalate, actor=handler)
    stretched = acknowledged(log(monday), actor=handler)
    extended(stretched, actor=handler, new_due=date(2026, 3, 23))
    responded(acknowledged(log(monday), actor=handler), actor=handler)  # answered: not open

    client.force_login(officer)
    text = page_text(client.get("/dashboard/").content.decode())
    assert "8 open 2 due by Sunday 8 March 3 overdue 1 extended 5 unassigned" in text
    for label, count in [
        (STATE_LABELS[State.RECEIVED], 4),
        (STATE_LABELS[State.STAGE1_OPEN], 3),
        (STATE_LABELS[State.STAGE2_REQUESTED], 1),
        (STATE_LABELS[State.STAGE2_OPEN], 0),
    ]:
        assert f"{label} {count} " in text, label
    assert "Acknowledged on time, stage 1 67% (2 of 3) 80% (4 of 5)" in text
    assert "Acknowledged on time, stage 2 None yet None yet" in text
    assert "Responded on time, stage 1 100% (1 of 1) 50% (1 of 2)" in text
