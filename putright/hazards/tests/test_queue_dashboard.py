"""Hazard clocks on the work queue (the "Hazard" filter) and on the dashboard."""

from django.utils import timezone

from putright.complaints.tests.stories import received, travel
from putright.hazards.models import HazardReport
from putright.hazards.tests.stories import london, raised
from putright.people.factories import ResidentFactory


def _queue(client, hazard: str, scope: str = "all", user=None) -> str:
    if user is not None:  # signed in again after the clock moved (sessions time out)
        client.force_login(user)
    response = client.get("/", {"scope": scope, "hazard": hazard})
    assert response.status_code == 200
    return response.content.decode()


def _three_complaints(handler, other_handler_complaint=None):
    """Monday 2 March 2026, 10:00. Mould: a significant hazard (investigate by Monday 16
    March). Gas: an emergency since 08:00 (24 hours: due Tuesday 3 March 08:00, inside the
    2-working-day window). Noise: assessed as no hazard (no clocks)."""
    mould = received(resident=ResidentFactory(), actor=handler, description="Mould in bedroom.")
    gas = received(resident=ResidentFactory(), actor=handler, description="Smell of gas.")
    noise = received(resident=ResidentFactory(), actor=handler, description="Noisy boiler.")
    raised(actor=handler, complaint=mould, aware_at=london(2026, 3, 2, 9))
    raised(
        actor=handler,
        complaint=gas,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 3, 2, 8),
    )
    raised(actor=handler, complaint=noise, hazard="noise", assessment="not")
    return mould, gas, noise


def test_the_queue_filters_complaints_by_their_hazard_clocks(client, monday, handler, time_machine):
    mould, gas, noise = _three_complaints(handler)
    client.force_login(handler)
    running = _queue(client, "open")
    assert mould.reference in running
    assert gas.reference in running
    assert noise.reference not in running
    due = _queue(client, "due")
    assert gas.reference in due
    assert mould.reference not in due
    assert noise.reference not in due
    assert mould.reference not in _queue(client, "overdue")
    assert gas.reference not in _queue(client, "overdue")
    # Tuesday 3 March, 09:00: the gas clock ran out at 08:00.
    travel(time_machine, london(2026, 3, 3, 9))
    overdue = _queue(client, "overdue", user=handler)
    assert gas.reference in overdue
    assert mould.reference not in overdue
    # Friday 13 March: the mould investigation (due Monday 16 March) is 1 working day away.
    travel(time_machine, london(2026, 3, 13, 10))
    assert mould.reference in _queue(client, "due", user=handler)
    # Tuesday 17 March: overdue.
    travel(time_machine, london(2026, 3, 17, 10))
    assert mould.reference in _queue(client, "overdue", user=handler)


def test_a_finished_clock_leaves_the_hazard_filter(client, monday, handler):
    from putright.hazards import services

    _, gas, _ = _three_complaints(handler)
    report = HazardReport.objects.get(complaint=gas)
    services.hazard_investigation_record(
        report=report,
        investigator="Gas engineer",
        concluded_at=london(2026, 3, 2, 9, 30),
        findings="Loose fitting on the cooker supply.",
        hazard_found=False,
        further_work_needed=False,
        actor=handler,
    )
    report.refresh_from_db()
    assert report.next_due_at is None
    client.force_login(handler)
    assert gas.reference not in _queue(client, "open")


def test_the_queue_shows_the_hazard_filter(client, monday, handler):
    client.force_login(handler)
    page = client.get("/").content.decode()
    assert 'name="hazard"' in page
    assert "A hazard clock is overdue" in page


def test_the_dashboard_counts_hazard_clocks_due_and_overdue(
    client, monday, handler, officer, time_machine
):
    from putright.complaints.models import Complaint

    _, gas, _ = _three_complaints(handler)
    Complaint.objects.filter(pk=gas.pk).update(handler=handler)
    travel(time_machine, london(2026, 3, 3, 9))  # the gas clock is overdue
    client.force_login(officer)
    page = client.get("/dashboard/").content.decode()
    assert "Hazard clocks (Awaab&#x27;s Law)" in page or "Hazard clocks (Awaab's Law)" in page
    figures = page[page.index('id="hazard-figures"') :]
    assert (
        '<span class="putright-stat">1</span> <a class="govuk-link" href="/hazards/?show=overdue">'
        in figures
    )
    assert (
        '<span class="putright-stat">2</span> <a class="govuk-link" href="/hazards/?show=open">'
        in figures
    )
    assert "Yours (your complaints, and reports you raised without one): " in figures
    assert ">0 overdue<" in figures
    # The handler of the gas complaint sees it on their own cases too.
    client.force_login(handler)
    mine = client.get("/dashboard/").content.decode()
    assert ">1 overdue<" in mine[mine.index('id="hazard-figures"') :]


def test_the_hazard_list_shows_reports_due(client, monday, handler):
    mould, gas, _ = _three_complaints(handler)
    client.force_login(handler)
    page = client.get("/hazards/", {"show": "due"}).content.decode()
    assert gas.reference in page
    assert mould.reference not in page


def test_the_hourly_job_recounts_a_clock_moved_by_a_closure(monday, handler):
    """Mould, aware Monday 2 March 2026: investigate by Monday 16 March. A closure on Tuesday
    3 March recorded today moves the open clock to Tuesday 17 March; the job stores it."""
    from datetime import date

    from putright.complaints.services.closures import closure_add
    from putright.core.scheduler import registered_jobs

    report = raised(actor=handler, aware_at=london(2026, 3, 2, 9))
    closure_add(day=date(2026, 3, 3), reason="Office flood", actor=handler)
    job = registered_jobs()["hazards.next_due_refresh"]
    assert job.func() == "1 hazard report(s) recounted."
    report.refresh_from_db()
    assert timezone.localtime(report.next_due_at).date() == date(2026, 3, 17)
    assert job.func() == "0 hazard report(s) recounted."


def test_a_report_with_no_complaint_is_its_raisers_on_the_dashboard_and_the_list(
    client, monday, handler, officer
):
    """Monday 2 March 2026, 10:00. Olivia raised a gas report with no complaint on Friday 27
    February at 09:00 (24 hours: overdue since Saturday 09:00): it is hers to follow. A gas
    report she raised on Hamid's complaint is his, not hers."""
    from putright.complaints.models import Complaint

    alone = raised(
        actor=officer,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 2, 27, 9),
        address="3 Wharf Row",
    )
    gas = received(resident=ResidentFactory(), actor=handler, description="Smell of gas.")
    Complaint.objects.filter(pk=gas.pk).update(handler=handler)
    on_his = raised(
        actor=officer,
        complaint=gas,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 2, 27, 9),
    )
    client.force_login(officer)
    figures = client.get("/dashboard/").content.decode()
    figures = figures[figures.index('id="hazard-figures"') :]
    assert '<span class="putright-stat">2</span>' in figures  # everyone's overdue
    assert ">1 overdue<" in figures
    listed = client.get("/hazards/", {"show": "overdue", "mine": "1"}).content.decode()
    assert f"/hazards/{alone.pk}/" in listed
    assert f"/hazards/{on_his.pk}/" not in listed
    client.force_login(handler)
    his = client.get("/hazards/", {"show": "overdue", "mine": "1"}).content.decode()
    assert f"/hazards/{on_his.pk}/" in his
    assert f"/hazards/{alone.pk}/" not in his
