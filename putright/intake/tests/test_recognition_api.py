"""The recognition assistant as another system calls it: the API and `manage.py recognise`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from putright.accounts.services import api_token_create
from putright.intake.recognition_api import MAX_TEXT, TEXT_REQUIRED, TEXT_TOO_LONG

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/recognise/"
SUBTLE = "Hi, this is the third time I've chased about the boiler at 4 Elm Road. Not good enough."


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = api_token_create(
        user=user, name="Tests", days=30, actor=user, two_step_verified=True
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_handler_gets_a_label_a_score_and_the_phrases_with_offsets(handler):
    response = client_for(handler).post(URL, {"text": SUBTLE}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"label", "score", "phrases"}
    assert body["label"] == "complaint"
    assert 0.5 < body["score"] <= 1
    assert [p["text"] for p in body["phrases"]] == ["third time I've chased", "Not good enough"]
    for p in body["phrases"]:
        assert SUBTLE[p["start"] : p["end"]] == p["text"]


def test_a_plain_repair_request_is_a_service_request_with_no_phrases(handler):
    body = (
        client_for(handler)
        .post(
            URL, {"text": "Please can someone fix the dripping kitchen tap, thanks"}, format="json"
        )
        .json()
    )
    assert body["label"] == "service_request"
    assert body["score"] < 0.5
    assert body["phrases"] == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, TEXT_REQUIRED),
        ({"text": ""}, TEXT_REQUIRED),
        ({"text": "   \n "}, TEXT_REQUIRED),
        ({"text": None}, TEXT_REQUIRED),
        ({"text": "x" * (MAX_TEXT + 1)}, TEXT_TOO_LONG),
    ],
)
def test_bad_input_is_a_400_naming_the_field(handler, payload, message):
    response = client_for(handler).post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert body["fields"]["text"] == [message]


def test_text_at_the_limit_is_answered(handler):
    response = client_for(handler).post(URL, {"text": "fed up " * (MAX_TEXT // 7)}, format="json")
    assert response.status_code == 200


def test_malformed_json_is_a_400(handler):
    response = client_for(handler).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_read_only_role_and_strangers_are_refused(viewer, officer):
    assert client_for(viewer).post(URL, {"text": SUBTLE}, format="json").status_code == 403
    assert APIClient().post(URL, {"text": SUBTLE}, format="json").status_code in (401, 403)
    assert client_for(officer).post(URL, {"text": SUBTLE}, format="json").status_code == 200


def test_the_endpoint_is_in_the_openapi_schema_with_its_shapes(handler):
    client = APIClient()
    client.force_login(handler)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "intake_recognise"
    assert "RecogniseIn" in json.dumps(operation["requestBody"])
    assert "RecognitionOut" in json.dumps(operation["responses"]["200"])
    assert set(schema["components"]["schemas"]["RecognitionOut"]["properties"]) == {
        "label",
        "score",
        "phrases",
    }


def run_command(tmp_path, content: bytes):
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    error = None
    try:
        call_command("recognise", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return lines, err.getvalue(), error


def test_the_command_answers_one_line_per_message_in_order(tmp_path):
    content = (
        json.dumps({"id": "m1", "text": SUBTLE})
        + "\n"
        + json.dumps({"id": 2, "text": "How do I pay my rent by direct debit?"})
        + "\n"
    ).encode()
    lines, err, error = run_command(tmp_path, content)
    assert error is None
    assert err == ""
    assert [line["id"] for line in lines] == ["m1", 2]
    assert lines[0]["label"] == "complaint"
    assert lines[0]["phrases"][0] == {"start": 16, "end": 38, "text": "third time I've chased"}
    assert lines[1]["label"] == "enquiry"
    assert set(lines[1]) == {"id", "label", "score", "phrases"}


def test_a_bad_line_is_named_by_number_and_the_others_still_answered(tmp_path):
    content = b"\n".join(
        [
            json.dumps({"id": "a", "text": SUBTLE}).encode(),
            b"{not json",
            b"",  # blank lines are ignored
            json.dumps({"text": "no id"}).encode(),
            json.dumps({"id": "c", "text": 5}).encode(),
            b'{"id": "d", "text": "caf\xe9"}',  # Latin-1, not UTF-8
            json.dumps(["a", "list"]).encode(),
            json.dumps(
                {"id": "z", "text": "Thank you so much for the new boiler, brilliant"}
            ).encode(),
        ]
    )
    lines, err, error = run_command(tmp_path, content)
    assert [line["id"] for line in lines] == ["a", "z"]
    assert err.splitlines() == [
        "line 2: not JSON (Expecting property name enclosed in double quotes)",
        'line 4: no "id"',
        'line 5: no "text", or it is not a string',
        "line 6: not UTF-8",
        'line 7: not a JSON object: expected {"id": ..., "text": ...}',
    ]
    assert error is not None
    assert "5 lines could not be read" in str(error)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("recognise", str(tmp_path / "missing.jsonl"), stdout=StringIO())
