"""Compliance with each hazard clock over a period, and its drill-down."""

from datetime import timedelta

from putright.hazards import services
from putright.hazards.tests.stories import investigated, london, raised


def test_compliance_counts_met_missed_and_open_clocks_with_drill_down(
    client, monday, handler, officer
):
    # On time: investigated within 10 working days. Late: an emergency made safe after 25 hours.
    on_time = investigated(raised(actor=handler, aware_at=london(2026, 2, 2)), actor=handler)
    late = raised(
        actor=handler, aware_at=london(2026, 2, 2), hazard="electrical", assessment="emergency"
    )
    services.hazard_safety_work_record(
        report=late, done_at=late.aware_at + timedelta(hours=25), detail="Isolated", actor=handler
    )
    raised(actor=handler, aware_at=london(2026, 3, 2))  # investigation still open
    raised(actor=handler, aware_at=london(2025, 12, 1))  # outside the period
    client.force_login(officer)
    page = client.get("/hazards/compliance/?start=2026-01-01&end=2026-03-02")
    assert page.status_code == 200
    rows = {row.key.value: row for row in page.context["rows"]}
    assert (rows["investigation"].met, rows["investigation"].open) == (1, 1)
    assert rows["emergency_safety"].missed == 1
    assert rows["emergency_investigation"].open == 1
    assert rows["emergency_investigation"].overdue == 1
    drill = client.get(
        "/hazards/compliance/?start=2026-01-01&end=2026-03-02&clock=emergency_safety&bucket=missed"
    )
    assert [report.pk for report, _clock in drill.context["drill"]] == [late.pk]
    met = client.get(
        "/hazards/compliance/?start=2026-01-01&end=2026-03-02&clock=investigation&bucket=met"
    )
    assert [report.pk for report, _clock in met.context["drill"]] == [on_time.pk]


def test_a_backwards_period_is_a_field_error(client, monday, officer):
    client.force_login(officer)
    page = client.get("/hazards/compliance/?start=2026-03-02&end=2026-01-01")
    assert page.status_code == 400
    assert "must not be before its start" in page.content.decode()


def test_compliance_is_for_report_readers_only(client, monday, handler, viewer):
    client.force_login(handler)
    assert client.get("/hazards/compliance/").status_code == 403
    client.force_login(viewer)
    assert client.get("/hazards/compliance/").status_code == 200
