"""Each request has an id: on the response, in every log line written for it, on the 500 page."""

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from putright.core.logging import logging_config
from putright.env import env_choice

pytestmark = pytest.mark.urls("putright.tests.error_urls")


@contextmanager
def logging_as_configured(log_format: str) -> Iterator[io.StringIO]:
    """PutRight's LOGGING for `log_format`, writing to the returned stream for the block."""
    stream = io.StringIO()
    config = logging_config(log_format=log_format, level="INFO")
    config["handlers"]["console"]["stream"] = stream
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


@pytest.fixture
def log_lines():
    """The log as PutRight writes it with PUTRIGHT_LOG_FORMAT=json, as a list of parsed lines."""
    with logging_as_configured("json") as stream:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_gets_a_new_id_on_its_response_and_in_its_log_lines(client, log_lines):
    response = client.get("/fine/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [line for line in log_lines() if line["logger"] == "putright.tests.boom"]
    assert line["request_id"] == request_id
    assert line["message"] == "working on the request"
    assert line["level"] == "INFO"
    assert line["exception"] is None
    assert line["time"].endswith("+00:00")
    assert client.get("/fine/")["X-Request-ID"] != request_id


def test_a_safe_request_id_from_the_proxy_is_kept(client):
    response = client.get("/fine/", headers={"X-Request-ID": "nginx-5f2b9c01:7"})
    assert response["X-Request-ID"] == "nginx-5f2b9c01:7"


@pytest.mark.parametrize(
    "inbound", ["short", "x" * 129, "abc12345\nforged log line", "abc12345 <script>", ""]
)
def test_an_unsafe_request_id_from_outside_is_replaced(client, inbound):
    response = client.get("/fine/", headers={"X-Request-ID": inbound})
    assert response["X-Request-ID"] != inbound
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_an_unhandled_error_is_logged_with_the_request_id_shown_on_a_styled_500_page(
    log_lines, settings
):
    settings.PUTRIGHT_LANDLORD_NAME = "Riverside Homes"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert (
        f'<p class="govuk-body govuk-!-font-weight-bold" id="request-id">{request_id}</p>' in page
    )
    assert "Riverside Homes complaints" in page  # the landlord's styled layout
    assert "putright.css" in page
    lines = [line for line in log_lines() if line["request_id"] == request_id]
    assert [line["logger"] for line in lines] == ["putright.tests.boom", "django.request"]
    error = lines[-1]
    assert error["level"] == "ERROR"
    assert "RuntimeError: the database went away" in error["exception"]


def test_the_500_page_still_shows_the_request_id_if_the_styled_page_fails(
    client, settings, log_lines
):
    # The styled page refers to the stylesheet; with a broken static set-up it cannot render.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-putright-static"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert f"quote reference {response['X-Request-ID']}" in response.content.decode()


def test_text_logs_carry_the_request_id_too(client):
    with logging_as_configured("text") as stream:
        request_id = client.get("/fine/")["X-Request-ID"]
    assert f"INFO putright.tests.boom [{request_id}] working on the request" in stream.getvalue()


def test_a_json_log_line_stays_one_line_whatever_the_message(log_lines):
    logger = logging.getLogger("putright.tests.one")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        logger.exception("line one\nline two")
    [entry] = log_lines()
    assert entry["message"] == "line one\nline two"
    assert entry["request_id"] is None
    assert "ValueError: bad" in entry["exception"]


def test_the_log_format_setting_accepts_only_text_or_json():
    assert env_choice("F", "text", ("text", "json"), environ={"F": "JSON"}) == "json"
    with pytest.raises(ImproperlyConfigured, match="PUTRIGHT_LOG_FORMAT must be one of"):
        env_choice(
            "PUTRIGHT_LOG_FORMAT", "text", ("text", "json"), environ={"PUTRIGHT_LOG_FORMAT": "xml"}
        )
