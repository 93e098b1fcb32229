"""GET /api/v1/intake/items/: the intake inbox as another system reads it (read-only)."""

import pytest
from rest_framework.test import APIClient

from putright.intake.services import items
from putright.intake.services.email import email_import
from putright.intake.tests.test_email_intake import PHOTO, message
from putright.intake.tests.test_recognition_api import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/items/"


def phoned(text: str, **extra):
    return items.item_receive(
        channel="phone", received_at=None, body=text, sender_name="Rosa Bell", **extra
    )


def test_staff_read_the_undecided_items_most_likely_complaints_first(monday, viewer, handler):
    enquiry = phoned("How do I pay my rent by direct debit?")
    complaint = phoned("Third time I've chased the leak, not good enough.")
    decided = phoned("Win a prize now, click here")
    items.item_decide(item=decided, decision="spam", actor=handler)

    response = client_for(viewer).get(URL)  # the read-only role reads, as on the page
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["reference"] for r in rows] == [complaint.reference, enquiry.reference]
    first = rows[0]
    assert (first["channel"], first["suggested_label"], first["decision"]) == (
        "phone",
        "complaint",
        "",
    )
    assert [p["text"] for p in first["phrases"]] == ["Third time I've chased", "not good enough"]
    assert first["decided_by"] is None
    assert first["complaint"] is None


def test_decided_items_say_who_decided_and_the_filters_narrow_the_list(monday, handler):
    spam = phoned("Win a prize now, click here")
    items.item_decide(item=spam, decision="spam", actor=handler)
    phoned("Thank you, the plumber was brilliant")
    client = client_for(handler)
    rows = client.get(URL, {"decision": "spam"}).json()["results"]
    assert [r["reference"] for r in rows] == [spam.reference]
    assert rows[0]["decided_by"] == handler.get_full_name()
    assert rows[0]["decided_at"]
    assert len(client.get(URL, {"decision": "all"}).json()["results"]) == 2
    assert client.get(URL, {"channel": "email"}).json()["results"] == []
    assert len(client.get(URL, {"label": "compliment"}).json()["results"]) == 1


@pytest.mark.parametrize("query", ["decision=maybe", "channel=pigeon", "label=angry"])
def test_a_bad_filter_is_a_400_naming_it(monday, handler, query):
    response = client_for(handler).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["fields"]


def test_an_item_shows_its_notes_and_attachments_kept_aside(monday, rosa, rosas_complaint, handler):
    raw = message(
        sender="Mallory <mallory@example.net>",
        subject=f"Re: {rosas_complaint.reference}",
        attachments=[PHOTO, ("bank.zip", b"PK\x03\x04 zip", "application", "zip")],
    )
    item = email_import(raw=raw, source="test")[0].item
    response = client_for(handler).get(f"{URL}{item.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["quoted_complaint"] == rosas_complaint.reference
    assert any("neither the resident" in note for note in body["notes"])
    assert [(a["original_name"], a["kept_aside"]) for a in body["attachments"]] == [
        ("mould.png", False),
        ("bank.zip", True),
    ]
    assert client_for(handler).get(f"{URL}999999/").status_code == 404


def test_strangers_are_refused_and_nothing_can_be_written(monday, handler):
    item = phoned("Third time I've chased the leak.")
    assert APIClient().get(URL).status_code in (401, 403)
    client = client_for(handler)
    assert client.post(URL, {"body": "x"}, format="json").status_code == 405
    assert client.patch(f"{URL}{item.pk}/", {"decision": "spam"}, format="json").status_code == 405
    item.refresh_from_db()
    assert item.decision == ""


def test_the_list_is_in_the_openapi_schema(handler):
    client = APIClient()
    client.force_login(handler)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"decision", "channel", "label", "page"}
    assert "IntakeItem" in schema["components"]["schemas"]
