"""Drafting a response as a handler does: save and come back, as many remedy and action rows
as needed, and a preview of the exact letter before it goes for review."""

import pytest

from putright.complaints.constants import DraftStatus
from putright.complaints.models import ResponseDraft
from putright.complaints.tests.pages import page_text
from putright.complaints.tests.stories import reload, stage_of
from putright.complaints.tests.test_views_actions import respond_data

pytestmark = pytest.mark.django_db


def respond_url(complaint) -> str:
    return f"/complaints/{complaint.reference}/respond/"


@pytest.fixture
def hamid(client, handler):
    client.force_login(handler)
    return handler


def test_a_half_written_draft_is_saved_and_comes_back_into_the_form(client, hamid, open_complaint):
    half = {"summary": "We are sorry so far.", "outcome_1": "upheld", "remedy_0_due_on": "31/2"}
    response = client.post(respond_url(open_complaint), {**half, "step": "save"})
    assert response.status_code == 302
    saved = ResponseDraft.objects.get()
    assert saved.status == DraftStatus.SAVED
    assert saved.data["form"]["summary"] == "We are sorry so far."
    assert reload(open_complaint).status == "stage1_open"  # nothing went for review

    page = client.get(respond_url(open_complaint))
    form = page.context["form"]
    assert form["summary"].value() == "We are sorry so far."
    assert form["outcome_1"].value() == "upheld"
    assert "This is your saved draft" in page.content.decode()
    # A working copy is not a version for review.
    assert client.get(f"/letters/reviews/{saved.pk}/").status_code == 404


def test_saving_again_keeps_one_working_copy_and_sending_removes_it(client, hamid, open_complaint):
    client.post(respond_url(open_complaint), {"summary": "First go.", "step": "save"})
    client.post(respond_url(open_complaint), {"summary": "Second go.", "step": "save"})
    assert ResponseDraft.objects.get().data["form"]["summary"] == "Second go."

    assert client.post(respond_url(open_complaint), respond_data()).status_code == 302
    assert list(ResponseDraft.objects.values_list("version", "status")) == [(1, "in_review")]


def test_a_draft_cannot_be_saved_while_a_version_waits_for_review(client, hamid, open_complaint):
    client.post(respond_url(open_complaint), respond_data())
    response = client.post(respond_url(open_complaint), {"summary": "More", "step": "save"})
    assert response.status_code == 400
    assert "Version 1 of this response is already waiting for review." in page_text(
        response.content.decode()
    )
    assert ResponseDraft.objects.filter(status=DraftStatus.SAVED).count() == 0


def test_rows_are_added_without_a_limit_and_keep_what_was_typed(client, hamid, open_complaint):
    data = working_values_as_posted(respond_data())
    for n in range(1, 7):
        response = client.post(respond_url(open_complaint), {**data, "step": "add-remedy"})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.remedy_count == n + 1
        data = dict(form.initial)
        data[f"remedy_{n}_type"] = "explanation"
        data[f"remedy_{n}_description"] = f"Explanation {n}."
        data[f"remedy_{n}_due_on"] = ["10", "3", "2026"]
        data = working_values_as_posted(data)
    assert form["summary"].value() == "We are sorry."
    assert form["remedy_1_due_on"].value() == ["10", "3", "2026"]  # typed dates survive
    assert client.post(respond_url(open_complaint), data).status_code == 302
    draft = ResponseDraft.objects.get()
    assert len(draft.data["remedies"]) == 7  # more than the old limit of four


def working_values_as_posted(values: dict) -> dict:
    """What the browser posts for these values: a date as its three boxes."""
    posted = {}
    for key, value in values.items():
        if isinstance(value, list):
            posted.update(
                dict(zip((f"{key}_day", f"{key}_month", f"{key}_year"), value, strict=True))
            )
        elif hasattr(value, "isoformat"):
            posted.update(
                {f"{key}_day": value.day, f"{key}_month": value.month, f"{key}_year": value.year}
            )
        else:
            posted[key] = value
    return posted


def test_a_new_row_takes_the_keyboard_focus(client, hamid, open_complaint):
    response = client.post(
        respond_url(open_complaint), {**respond_data(), "step": "add-action"}, HTTP_HX_REQUEST="1"
    )
    page = response.content.decode()
    assert 'id="id_action_1_description"' in page
    focused = page[page.index('id="id_action_1_description"') :].split(">", 1)[0]
    assert "autofocus" in focused


def test_removing_a_row_moves_the_later_rows_up(client, hamid, open_complaint):
    data = respond_data(
        action_1_description="Second action.",
        action_1_due_on="2026-03-21",
        action_1_owner_name="Gas team",
        action_2_description="Third action.",
        action_2_due_on="2026-03-22",
        action_2_owner_name="Roofer",
    )
    response = client.post(respond_url(open_complaint), {**data, "step": "remove-action-1"})
    form = response.context["form"]
    assert form.action_count == 2
    assert form["action_0_description"].value() == "Replace the tiles."
    assert form["action_1_description"].value() == "Third action."
    assert form["action_1_owner_name"].value() == "Roofer"


def test_the_preview_shows_the_letter_the_resident_would_get_and_saves_nothing(
    client, hamid, open_complaint
):
    response = client.post(respond_url(open_complaint), {**respond_data(), "step": "preview"})
    assert response.status_code == 200
    preview = response.context["preview_html"]
    assert "We are sorry." in preview
    assert "A written apology. We will do this by 9 March 2026." in page_text(preview)
    assert "Book roofers sooner." in preview  # the learning is in the letter, as the form says
    assert ResponseDraft.objects.count() == 0
    assert stage_of(reload(open_complaint)).responded_on is None


def test_a_preview_of_an_incomplete_response_shows_the_errors_once(client, hamid, open_complaint):
    response = client.post(
        respond_url(open_complaint), {**respond_data(reasons_2=""), "step": "preview"}
    )
    assert response.status_code == 400
    text = page_text(response.content.decode())
    assert "There is a problem" in text
    assert "preview_html" not in response.context or not response.context["preview_html"]


def test_the_form_says_which_answers_the_resident_reads(client, hamid, open_complaint):
    text = page_text(client.get(respond_url(open_complaint)).content.decode())
    assert "The resident reads what you write here" in text
    assert "The resident reads this in the letter, under “What we have learned”" in text
    assert "For our records and reports; not printed in the letter." in text


def test_the_case_page_says_a_draft_is_saved_and_opens_it(client, hamid, open_complaint):
    client.post(respond_url(open_complaint), {"summary": "First go.", "step": "save"})
    page = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert "It has not been sent for review" in page_text(page)
    assert f'href="{respond_url(open_complaint)}">Draft the response' in page
