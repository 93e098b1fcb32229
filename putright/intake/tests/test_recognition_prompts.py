"""The recognition assistant on service requests and survey comments (Code 1.4–1.6): a neutral
note shows no prompt; dissatisfaction prompts "This looks like a complaint — log it?" with the
phrases marked, escaped, and links into the log-a-complaint flows, prefilled."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.complaints.models import Complaint
from putright.intake.models import SurveyResponse
from putright.intake.services import service_requests as sr

pytestmark = pytest.mark.django_db
PROMPT = "This looks like a complaint — log it?"
DISSATISFIED = (
    "Tenant rang: this is the third time I've chased the boiler <b>repair</b>, not good enough"
)


@pytest.fixture
def boiler_request(monday, rosa, handler):
    return sr.service_request_create(
        resident=rosa,
        summary="Boiler not heating water",
        requested_on=monday - timedelta(days=7),
        due_on=monday + timedelta(days=3),
        owner=handler,
        actor=handler,
    )


def note(item, text, actor):
    return sr.service_request_update(
        request=item, status=item.status, due_on=item.due_on, note=text, actor=actor
    )


def page(client, user, item, query=""):
    client.force_login(user)
    response = client.get(f"/intake/service-requests/{item.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def log_link(content: str) -> dict[str, list[str]]:
    href = re.search(r'href="(/complaints/new/\?[^"]+)"', content).group(1)
    return parse_qs(urlsplit(html.unescape(href)).query)


def test_a_neutral_note_shows_no_prompt(client, handler, boiler_request):
    note(boiler_request, "Engineer booked for Thursday morning, part ordered", handler)
    content = page(client, handler, boiler_request)
    assert PROMPT not in content
    assert "<mark>" not in content


def test_a_dissatisfied_note_prompts_with_the_phrases_marked_and_escaped(
    client, handler, boiler_request
):
    note(boiler_request, DISSATISFIED, handler)
    content = page(client, handler, boiler_request)
    assert PROMPT in content
    assert "<mark>third time I&#x27;ve chased</mark>" in content
    assert "<mark>not good enough</mark>" in content
    assert "&lt;b&gt;repair&lt;/b&gt;" in content  # the resident's words are escaped
    assert "<b>repair</b>" not in content


def test_the_prompt_links_to_the_log_page_prefilled_with_the_resident_and_the_text(
    client, handler, boiler_request, rosa, monday
):
    note(boiler_request, DISSATISFIED, handler)
    query = log_link(page(client, handler, boiler_request))
    assert query["resident"] == [str(rosa.pk)]
    assert query["description"] == [DISSATISFIED]
    assert query["received_on"] == [monday.isoformat()]
    assert query["channel"] == ["service_request"]

    client.force_login(handler)
    form = client.get("/complaints/new/", {k: v[0] for k, v in query.items()}).context["form"]
    assert form.initial["resident"] == rosa.pk
    assert form.initial["description"] == DISSATISFIED
    assert form.initial["received_on"] == monday
    assert form.initial["channel"] == "service_request"
    assert rosa.pk in form.residents  # offered as a choice without searching for her


def test_log_it_on_this_request_prefills_the_dissatisfied_form(client, handler, boiler_request):
    update = note(boiler_request, DISSATISFIED, handler).updates.first()
    content = page(client, handler, boiler_request, f"?from=note-{update.pk}")
    textarea = re.search(r'<textarea[^>]*name="what_is_wrong"[^>]*>(.*?)</textarea>', content, re.S)
    assert html.unescape(textarea.group(1)).strip() == DISSATISFIED
    assert html.unescape(page(client, handler, boiler_request)).count(DISSATISFIED) == 1


def test_no_prompt_once_a_complaint_has_been_raised_from_the_request(
    client, handler, boiler_request
):
    note(boiler_request, DISSATISFIED, handler)
    sr.service_request_dissatisfied(
        request=boiler_request, what_is_wrong="Chased three times", actor=handler
    )
    assert Complaint.objects.count() == 1
    assert PROMPT not in page(client, handler, boiler_request)
    note(boiler_request, "Still not fixed and I'm fed up", handler)
    assert PROMPT in page(client, handler, boiler_request)


def test_read_only_staff_see_the_prompt_but_no_links_to_log(
    client, viewer, handler, boiler_request
):
    note(boiler_request, DISSATISFIED, handler)
    content = page(client, viewer, boiler_request)
    assert PROMPT in content
    assert "/complaints/new/?" not in content


def survey(rosa, monday, comment, score=4, **extra):
    return SurveyResponse.objects.create(
        survey="Repairs 2026",
        response_id=comment[:20] + str(score),
        resident=rosa,
        responded_on=monday - timedelta(days=1),
        score=score,
        comment=comment,
        **extra,
    )


def test_a_survey_comment_with_dissatisfaction_prompts_whatever_its_score(
    client, handler, rosa, monday
):
    survey(rosa, monday, "Operative was lovely, thank you", score=5)
    client.force_login(handler)
    assert PROMPT not in client.get("/intake/surveys/").content.decode()

    survey(rosa, monday, "Fine I suppose but it's the fourth time I've reported the leak", score=4)
    content = client.get("/intake/surveys/").content.decode()
    assert PROMPT in content
    assert "<mark>fourth time I&#x27;ve reported</mark>" in content
    query = log_link(content)
    assert query["resident"] == [str(rosa.pk)]
    assert query["received_on"] == [(monday - timedelta(days=1)).isoformat()]


def test_the_surveys_page_asks_the_same_number_of_queries_for_more_comments(
    client, handler, rosa, monday
):
    client.force_login(handler)
    survey(rosa, monday, "Not good enough, nobody came", score=3)
    with CaptureQueriesContext(connection) as few:
        client.get("/intake/surveys/")
    for n in range(5):
        survey(rosa, monday, f"Still waiting {n} weeks, disgusting", score=3)
    with CaptureQueriesContext(connection) as many:
        content = client.get("/intake/surveys/").content.decode()
    assert content.count('data-testid="looks-like-complaint-text"') == 6
    assert len(many) == len(few)
