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


# --- from an intake inbox item ------------------------------------------------------------------


@pytest.fixture
def email_item(monday, resident):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from putright.intake.services.items import item_receive

    return item_receive(
        channel="email",
        received_at=datetime(2026, 2, 27, 17, 45, tzinfo=ZoneInfo("Europe/London")),
        subject="Mould in the baby's room",
        body="There is black mould spreading on the bedroom wall.",
        sender_name="Rosa Bell",
        sender_email=resident.email,
        suggested_resident=resident,
    )


def _item_post(item, **changes):
    return {**RAISE, "aware_at": "2026-02-27 17:45", "address": "", **changes}


def test_a_hazard_report_is_raised_from_an_intake_item(client, email_item, handler, resident):
    client.force_login(handler)
    page = client.get(f"/intake/inbox/{email_item.pk}/").content.decode()
    url = f"/intake/inbox/{email_item.pk}/hazard/"
    assert f'href="{url}"' in page
    response = client.post(
        url, {**_item_post(email_item, confirm_match="on"), FIELD: form_token(client, url)}
    )
    report = HazardReport.objects.get()
    assert response.status_code == 302
    assert response.url == f"/hazards/{report.pk}/"
    assert report.aware_at == email_item.received_at  # aware when the message arrived
    assert report.source == "intake"
    assert report.source_ref == f"intake_item:{email_item.pk}"
    assert report.resident == resident  # the match, confirmed by staff
    assert report.address == str(resident.home)
    page = client.get(f"/intake/inbox/{email_item.pk}/").content.decode()
    assert f'href="/hazards/{report.pk}/"' in page


def test_raising_from_an_item_prefills_what_the_message_says(client, email_item, handler):
    client.force_login(handler)
    form = client.get(f"/intake/inbox/{email_item.pk}/hazard/").content.decode()
    assert 'value="2026-02-27 17:45"' in form  # when the message was received
    assert 'value="Rosa Bell"' in form  # who told the landlord
    assert "There is black mould spreading on the bedroom wall." in form
    assert "The sender is Rosa Bell (I have checked" in form


def test_an_unconfirmed_sender_is_not_the_resident_and_the_address_is_needed(
    client, email_item, handler
):
    client.force_login(handler)
    url = f"/intake/inbox/{email_item.pk}/hazard/"
    response = client.post(url, {**_item_post(email_item), FIELD: form_token(client, url)})
    assert response.status_code == 400
    assert not HazardReport.objects.exists()
    response = client.post(
        url,
        {
            **_item_post(email_item, address="3 Quay Street, EX2 4AN"),
            FIELD: form_token(client, url),
        },
    )
    report = HazardReport.objects.get()
    assert report.resident is None
    assert report.address == "3 Quay Street, EX2 4AN"


def test_the_clocks_cannot_start_after_the_message_arrived(client, email_item, handler):
    client.force_login(handler)
    url = f"/intake/inbox/{email_item.pk}/hazard/"
    response = client.post(
        url,
        {
            **_item_post(email_item, aware_at="2026-03-02 09:00", confirm_match="on"),
            FIELD: form_token(client, url),
        },
    )
    assert response.status_code == 400
    assert "at the latest" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_a_double_submit_from_an_item_raises_one_report(client, email_item, handler):
    client.force_login(handler)
    url = f"/intake/inbox/{email_item.pk}/hazard/"
    data = {**_item_post(email_item, confirm_match="on"), FIELD: form_token(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 302
    assert second.url == first.url
    assert HazardReport.objects.count() == 1


def test_a_viewer_cannot_raise_from_an_intake_item(client, email_item, viewer):
    client.force_login(viewer)
    url = f"/intake/inbox/{email_item.pk}/hazard/"
    assert client.get(url).status_code == 403
    assert client.post(url, _item_post(email_item, confirm_match="on")).status_code == 403
    assert not HazardReport.objects.exists()
    page = client.get(f"/intake/inbox/{email_item.pk}/").content.decode()
    assert url not in page
