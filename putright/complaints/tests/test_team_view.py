"""The team view (issue 17): caseload per handler on the dashboard and the assign form, open
complaints by working days since receipt, and the monthly trend of received and responded, each
as a chart with its table, in a fixed number of queries. Today is Monday 2 March 2026."""

import itertools
import re
from datetime import date

import pytest

from putright.accounts import factories as staff
from putright.complaints.models import Complaint, NonWorkingDay, Stage
from putright.complaints.team import ageing, caseload, monthly_trend, working_calendar
from putright.people.factories import ResidentFactory
from putright.rules.workflow import State

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
_refs = itertools.count(1)


def make(received_on, *, status=State.STAGE1_OPEN, handler=None, next_due=None) -> Complaint:
    return Complaint.objects.create(
        reference=f"TV-{next(_refs):05d}",
        resident=ResidentFactory(),
        channel="phone",
        received_on=received_on,
        description="A leak",
        status=status,
        handler=handler,
        next_due=next_due,
    )


def respond(complaint: Complaint, number: int, on: date) -> None:
    Stage.objects.create(
        complaint=complaint, number=number, requested_on=on, ack_due=on, responded_on=on
    )


def table(page: str, ident: str) -> list[list[str]]:
    """The rows of one table as cell texts (header cells included)."""
    body = page.split(f'id="{ident}"')[1].split("</table>")[0].split("<tbody")[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


# --- caseload -----------------------------------------------------------------------------------


@pytest.fixture
def loads(monday, handler, second_handler):
    """Hamid: overdue 27 Feb, due today, due Wed 4 Mar (2 working days left: due soon) and due
    Thu 5 Mar (3 left: not yet); a closed overdue one that no longer counts. Hannah: none.
    One unassigned, overdue."""
    for due in (date(2026, 2, 27), TODAY, date(2026, 3, 4), date(2026, 3, 5)):
        make(date(2026, 2, 20), handler=handler, next_due=due)
    make(date(2026, 1, 5), status=State.CLOSED, handler=handler, next_due=date(2026, 2, 1))
    make(date(2026, 2, 26), next_due=date(2026, 2, 27))


def test_caseload_counts_open_due_soon_and_overdue_per_handler(loads, handler, second_handler):
    lines = {
        line.name: (line.open, line.due_soon, line.overdue)
        for line in caseload(today=TODAY, calendar=working_calendar(TODAY))
    }
    assert lines["Hamid Shah"] == (4, 2, 1)
    assert lines["Hannah Lee"] == (0, 0, 0)
    assert lines["Unassigned"] == (1, 0, 1)


def test_due_soon_counts_working_days_so_a_closure_brings_a_deadline_into_it(loads, handler):
    NonWorkingDay.objects.create(day=date(2026, 3, 3), reason="Office move", decided_on=TODAY)
    lines = {line.name: line for line in caseload(today=TODAY, calendar=working_calendar(TODAY))}
    assert lines["Hamid Shah"].due_soon == 3  # Thu 5 Mar is now 2 working days away


def test_the_assign_form_shows_everyones_caseload(client, loads, officer, handler):
    complaint = make(TODAY, status=State.RECEIVED, next_due=date(2026, 3, 9))
    client.force_login(officer)
    page = client.get(f"/complaints/{complaint.reference}/assign/").content.decode()
    rows = {r[0]: r[1:] for r in table(page, "caseload")}
    assert rows["Hamid Shah"] == ["4", "2", "1"]
    assert rows["Hannah Lee"] == ["0", "0", "0"]
    assert rows["Unassigned"] == ["2", "0", "1"]
    assert page.index('id="caseload"') < page.index('name="handler"')


# --- ageing -------------------------------------------------------------------------------------

# Received on, working days before Monday 2 March 2026 (no bank holidays in between), band.
AGES = [
    (date(2026, 3, 2), 0, "0 to 5 working days"),
    (date(2026, 2, 23), 5, "0 to 5 working days"),
    (date(2026, 2, 20), 6, "6 to 10 working days"),
    (date(2026, 2, 16), 10, "6 to 10 working days"),
    (date(2026, 2, 13), 11, "11 to 20 working days"),
    (date(2026, 2, 2), 20, "11 to 20 working days"),
    (date(2026, 1, 30), 21, "21 to 40 working days"),
    (date(2026, 1, 5), 40, "21 to 40 working days"),
    (date(2026, 1, 2), 41, "Over 40 working days"),
]


@pytest.mark.parametrize(("received_on", "age", "band"), AGES)
def test_each_open_complaint_falls_in_the_band_of_its_working_days_since_receipt(
    monday, received_on, age, band
):
    make(received_on)
    make(received_on, status=State.CLOSED)  # closed complaints are not ageing work
    counts = {b.label: b.count for b in ageing(today=TODAY, calendar=working_calendar(TODAY))}
    assert counts == {label: int(label == band) for label in counts}


def test_ageing_on_the_dashboard_counts_every_band_and_honours_closures(client, monday, officer):
    for received_on, _, _ in AGES:
        make(received_on)
    client.force_login(officer)
    page = client.get("/dashboard/").content.decode()
    assert table(page, "ageing-table") == [
        ["0 to 5 working days", "2"],
        ["6 to 10 working days", "2"],
        ["11 to 20 working days", "2"],
        ["21 to 40 working days", "2"],
        ["Over 40 working days", "1"],
    ]
    # A landlord closure on Wed 25 Feb: every complaint received before it is one working day
    # younger (Fri 20 Feb: 5, not 6; Fri 2 Jan: 40, not 41).
    NonWorkingDay.objects.create(day=date(2026, 2, 25), reason="Training", decided_on=TODAY)
    page = client.get("/dashboard/").content.decode()
    assert [n for _, n in table(page, "ageing-table")] == ["3", "2", "2", "2", "0"]
    chart = page.split('id="ageing-chart"')[1].split("</svg>")[0]
    assert 'role="img"' in chart
    assert "0 to 5 working days: 3; 6 to 10 working days: 2;" in chart


# --- monthly trend ------------------------------------------------------------------------------


def test_the_trend_counts_received_and_responded_in_each_of_the_last_12_months(monday):
    make(date(2025, 3, 31), status=State.CLOSED)  # before the 12 months
    april = make(date(2025, 4, 1), status=State.CLOSED)
    january = [make(date(2026, 1, 15)), make(date(2026, 1, 31))]
    make(TODAY)
    respond(april, 1, date(2025, 4, 30))
    respond(april, 2, date(2025, 6, 2))
    respond(january[0], 1, date(2026, 2, 1))
    respond(january[1], 1, date(2026, 2, 27))
    trend = monthly_trend(today=TODAY)
    assert [m.month for m in trend] == [date(2025, m, 1) for m in range(4, 13)] + [
        date(2026, m, 1) for m in (1, 2, 3)
    ]
    shown = {
        f"{m.month:%b %Y}": (m.received, m.responded) for m in trend if m.received or m.responded
    }
    assert shown == {
        "Apr 2025": (1, 1),
        "Jun 2025": (0, 1),
        "Jan 2026": (2, 0),
        "Feb 2026": (0, 2),
        "Mar 2026": (1, 0),
    }


def test_the_trend_is_a_chart_and_a_table_on_the_dashboard(client, monday, officer):
    make(date(2026, 1, 15))
    respond(make(date(2025, 12, 1), status=State.CLOSED), 1, date(2026, 1, 20))
    client.force_login(officer)
    page = client.get("/dashboard/").content.decode()
    rows = table(page, "trend-table")
    assert len(rows) == 12
    assert rows[0] == ["April 2025", "0", "0"]
    assert ["December 2025", "1", "0"] in rows
    assert ["January 2026", "1", "1"] in rows
    chart = page.split('id="trend-chart"')[1].split("</svg>")[0]
    assert "January 2026: 1 received, 1 responded" in chart


# --- a fixed number of queries ------------------------------------------------------------------


def test_the_dashboard_needs_the_same_queries_for_many_handlers_and_complaints(
    client, monday, officer, handler, django_assert_max_num_queries
):
    make(date(2026, 2, 2), handler=handler, next_due=TODAY)
    client.force_login(officer)
    with django_assert_max_num_queries(60) as few:
        assert client.get("/dashboard/").status_code == 200
    for i in range(8):
        someone = staff.handler(username=f"h{i}")
        for received_on, _, _ in AGES:
            make(received_on, handler=someone, next_due=date(2026, 3, 4))
            respond(make(received_on, status=State.CLOSED), 1, date(2026, 2, 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/dashboard/").content.decode()
    assert len(table(page, "caseload")) == 10  # officer, Hamid and the eight


def test_the_dashboard_reads_the_landlords_calendar_once(
    client, monday, officer, handler, django_assert_max_num_queries
):
    """The figures, the team view and the hazard panel share one read of the closures."""
    make(date(2026, 2, 2), handler=handler, next_due=TODAY)
    client.force_login(officer)
    with django_assert_max_num_queries(60) as page:
        assert client.get("/dashboard/").status_code == 200
    calendar_reads = [q for q in page.captured_queries if "complaints_nonworkingday" in q["sql"]]
    assert len(calendar_reads) == 1
