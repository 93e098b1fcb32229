"""A staff form sent twice acts once: the second submission is told it was already done."""

import re

import pytest
from django.contrib.messages import get_messages

from putright.complaints.models import CaseEvent, Complaint
from putright.complaints.tests.test_concurrency import on_postgresql, post_at_once
from putright.core.models import SubmissionToken
from putright.core.once import ALREADY_DONE, FIELD


def token_from(page: str) -> str:
    match = re.search(rf'name="{FIELD}" value="([0-9a-f-]+)"', page)
    assert match, "the form carries no submission token"
    return match.group(1)


def form_token(client, url: str) -> str:
    return token_from(client.get(url).content.decode())


def notes(complaint) -> int:
    return CaseEvent.objects.filter(complaint=complaint, code="note.added").count()


def acknowledge_form(token: str, **overrides) -> dict:
    return {
        "points": "The leak.",
        "outcomes_sought": "Fix it.",
        "responsible_for": "The roof.",
        "acknowledged_on": "2026-03-02",
        FIELD: token,
        **overrides,
    }


@pytest.fixture
def hamid(client, handler):
    client.force_login(handler)
    return handler


@pytest.mark.django_db
def test_a_double_clicked_acknowledgement_acts_once_and_the_second_is_told(
    client, hamid, complaint
):
    url = f"/complaints/{complaint.reference}/acknowledge/"
    token = form_token(client, url)

    first = client.post(url, acknowledge_form(token))
    second = client.post(url, acknowledge_form(token))

    case_url = f"/complaints/{complaint.reference}/"
    assert (first.status_code, first.url) == (302, case_url)
    assert (second.status_code, second.url) == (302, case_url)
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == ALREADY_DONE
    assert CaseEvent.objects.filter(complaint=complaint, code="stage.acknowledged").count() == 1
    assert complaint.points.count() == 1


@pytest.mark.django_db
def test_a_note_sent_twice_is_added_once(client, hamid, complaint):
    url = f"/complaints/{complaint.reference}/note/"
    token = form_token(client, url)

    client.post(url, {"text": "Called Rosa back.", FIELD: token})
    second = client.post(url, {"text": "Called Rosa back.", FIELD: token})

    assert second.status_code == 302
    assert notes(complaint) == 1


@pytest.mark.django_db
def test_a_refused_submission_does_not_spend_its_token(client, hamid, complaint):
    url = f"/complaints/{complaint.reference}/acknowledge/"
    token = form_token(client, url)

    refused = client.post(url, acknowledge_form(token, acknowledged_on="2026-02-27"))
    corrected = client.post(url, acknowledge_form(token))

    assert refused.status_code == 400
    assert corrected.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "stage1_open"


@pytest.mark.django_db
def test_a_complaint_logged_twice_is_logged_once_and_both_land_on_it(client, hamid, monday):
    token = form_token(client, "/complaints/new/")
    form = {
        "new_resident_name": "Sam Jones",
        "new_address_line_1": "7 Station Road",
        "new_town": "Exampleton",
        "new_postcode": "EX4 7TT",
        "new_tenure": "lcra",
        "channel": "phone",
        "received_on": monday.isoformat(),
        "description": "The lift has been broken for a week.",
        FIELD: token,
    }

    first = client.post("/complaints/new/", form)
    second = client.post("/complaints/new/", form)

    assert Complaint.objects.count() == 1
    assert second.url == first.url == f"/complaints/{Complaint.objects.get().reference}/"


@pytest.mark.django_db
def test_tokens_older_than_a_day_are_purged(client, hamid, complaint, time_machine, monday):
    url = f"/complaints/{complaint.reference}/note/"
    client.post(url, {"text": "First.", FIELD: form_token(client, url)})
    time_machine.shift(60 * 60 * 25)

    client.post(url, {"text": "A day later.", FIELD: form_token(client, url)})

    assert SubmissionToken.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_form_at_the_same_instant_act_once(
    client, handler, complaint, monday
):
    client.force_login(handler)
    url = f"/complaints/{complaint.reference}/note/"
    for attempt in range(3):
        form = {"text": f"Called Rosa back ({attempt}).", FIELD: form_token(client, url)}

        responses = post_at_once(url, [(handler, form), (handler, form)])

        assert [r.status_code for r in responses] == [302, 302]
        assert notes(complaint) == attempt + 1


@pytest.mark.django_db
def test_the_confirmation_page_carries_the_forms_token_so_confirming_twice_acts_once(
    client, hamid, complaint
):
    url = f"/complaints/{complaint.reference}/withdraw/"
    token = form_token(client, url)
    form = {"reason": "Sorted with the repairs team.", "withdrawn_on": "2026-03-02", FIELD: token}

    confirming = client.post(url, form)
    assert token_from(confirming.content.decode()) == token
    client.post(url, {**form, "confirmed": "yes"})
    again = client.post(url, {**form, "confirmed": "yes"})

    assert again.status_code == 302
    assert CaseEvent.objects.filter(complaint=complaint, code="complaint.withdrawn").count() == 1
