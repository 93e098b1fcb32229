"""Hazard reports raised from a service request and directly for a resident (no complaint)."""

from datetime import date

import pytest

from putright.complaints.tests.test_double_submit import form_token
from putright.core.once import FIELD
from putright.hazards.models import HazardReport
from putright.intake.models import ServiceRequestUpdate
from putright.intake.services.service_requests import service_request_create

RAISE = {
    "aware_at": "2026-03-02 08:30",
    "told_by": "Rosa Bell, by phone",
    "hazard": "damp_mould",
    "assessment": "significant",
    "description": "Mould behind the wardrobe, found by the joiner.",
    "occupiers": "",
    "vulnerabilities": "",
}


@pytest.fixture
def repair(monday, resident, handler):
    return service_request_create(
        resident=resident,
        summary="Bedroom window will not close",
        detail="Joiner visit booked.",
        requested_on=date(2026, 3, 2),
        due_on=date(2026, 3, 9),
        actor=handler,
    )


def test_a_hazard_report_is_raised_from_a_service_request(client, repair, handler, resident):
    client.force_login(handler)
    url = f"/intake/service-requests/{repair.pk}/hazard/"
    form_page = client.get(url).content.decode()
    assert "Bedroom window will not close" in form_page  # the request's words, to edit
    response = client.post(url, {**RAISE, FIELD: form_token(client, url)})
    report = HazardReport.objects.get()
    assert response.status_code == 302
    assert response.url == f"/hazards/{report.pk}/"
    assert report.source == "service_request"
    assert report.source_ref == f"service_request:{repair.pk}"
    assert report.resident == resident
    assert report.complaint is None
    assert report.address == str(resident.home)
    trail = ServiceRequestUpdate.objects.filter(request=repair).first()
    assert (
        trail.summary
        == f"Hazard report {report.pk} raised: 1. Damp and mould growth (significant hazard (working-day clocks))"
    )
    page = client.get(f"/intake/service-requests/{repair.pk}/").content.decode()
    assert f'href="/hazards/{report.pk}/"' in page


def test_raising_from_a_service_request_shows_one_round_of_errors(client, repair, handler):
    client.force_login(handler)
    url = f"/intake/service-requests/{repair.pk}/hazard/"
    response = client.post(
        url, {**RAISE, "aware_at": "2026-03-09 09:00", FIELD: form_token(client, url)}
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_a_viewer_cannot_raise_from_a_service_request(client, repair, viewer):
    client.force_login(viewer)
    url = f"/intake/service-requests/{repair.pk}/hazard/"
    assert client.get(url).status_code == 403
    assert client.post(url, RAISE).status_code == 403
    page = client.get(f"/intake/service-requests/{repair.pk}/").content.decode()
    assert url not in page


def test_a_report_is_raised_directly_for_a_resident(client, monday, handler, resident):
    client.force_login(handler)
    page = client.get("/hazards/new/", {"resident": resident.pk}).content.decode()
    assert 'id="for-resident"' in page
    assert "Rosa Bell" in page
    token = form_token(client, f"/hazards/new/?resident={resident.pk}")
    response = client.post(
        "/hazards/new/",
        {
            **RAISE,
            "resident": resident.pk,
            "source": "staff",
            "complaint_reference": "",
            "address": "",
            FIELD: token,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = HazardReport.objects.get()
    assert report.resident == resident
    assert report.complaint is None
