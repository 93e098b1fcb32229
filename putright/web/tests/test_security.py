"""Request and response hardening (docs/security.md, V5 and V14)."""

import re

import pytest
from django.urls import reverse

from putright.core.hardening import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db


# --- NUL bytes: removed before any view or query sees them (a 500 on PostgreSQL before) --------


@pytest.mark.parametrize(
    "url",
    ["/?q=ab%00c", "/people/?q=%00", "/api/v1/complaints/?q=a%00b", "/api/v1/residents/?q=%00x"],
)
def test_a_nul_byte_in_a_search_is_not_a_server_error(handler, client, url):
    client.force_login(handler)
    client.raise_request_exception = True
    response = client.get(url)
    assert response.status_code == 200


def test_the_nul_byte_is_stripped_not_kept(handler, rf):
    from putright.core.hardening import NulByteMiddleware

    seen = {}

    def view(request):
        seen.update(q=request.GET["q"], p=request.POST.get("p"))
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.post("/?q=a%00b", {"p": "x\x00y"})
    NulByteMiddleware(view)(request)
    assert seen == {"q": "ab", "p": "xy"}


# --- Reporting years: a year no report can cover is a 404, not a date error ------------------


@pytest.mark.parametrize(
    "url",
    ["/reports/tsm/0/", "/reports/tsm/99999/", "/reports/tsm/0/tsm.csv", "/reports/mrc/2025/q5/"],
)
def test_a_year_or_quarter_out_of_range_is_not_found(officer, client, url):
    client.force_login(officer)
    client.raise_request_exception = True
    assert client.get(url).status_code == 404


def test_a_real_reporting_year_still_answers(officer, client):
    client.force_login(officer)
    assert client.get(reverse("reporting:tsm", args=[2025])).status_code == 200
    assert reverse("reporting:tsm", args=[2025]) == "/reports/tsm/2025/"


# --- Headers ----------------------------------------------------------------------------------


def test_staff_pages_are_not_stored_and_carry_the_policies(handler, client):
    client.force_login(handler)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_api_answers_are_not_stored(handler, client):
    client.force_login(handler)
    response = client.get("/api/v1/complaints/")
    assert response["Cache-Control"] == "no-store"


def test_documents_are_not_stored(officer, client):
    client.force_login(officer)
    response = client.get("/reports/tsm/2025/tsm.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"


def test_the_csp_allows_scripts_only_from_us_or_with_the_pages_nonce(handler, client):
    client.force_login(handler)
    response = client.get("/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    nonce = next(s for s in scripts if s.startswith("'nonce-"))[7:-1]
    html = response.content.decode()
    # Every inline script on the page carries this request's nonce.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert len(inline) == 2
    assert all(f'nonce="{nonce}"' in tag for tag in inline)
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def _policy(response) -> dict[str, list[str]]:
    return {
        name: values.split()
        for name, values in (
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
    }


def test_style_elements_need_the_nonce_and_only_style_attributes_are_inline(handler, client):
    """No 'unsafe-inline' for <style> elements (an injected one could read the page through
    attribute selectors); style="..." attributes alone may be inline."""
    client.force_login(handler)
    for url in ("/", "/complain/"):
        response = client.get(url)
        policy = _policy(response)
        nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))
        for directive in ("style-src", "style-src-elem"):
            assert "'unsafe-inline'" not in policy[directive], (url, directive)
            assert nonce in policy[directive], (url, directive)
        assert policy["style-src-attr"] == ["'unsafe-inline'"]
        tags = re.findall(r"<style[^>]*>", response.content.decode())
        assert tags, url
        assert all(f'nonce="{nonce[7:-1]}"' in tag for tag in tags), (url, tags)


def test_only_the_api_description_pages_allow_inline_style_elements(client, handler):
    client.force_login(handler)
    for url in ("/api/redoc/", "/api/docs/"):
        policy = _policy(client.get(url))
        assert "'unsafe-inline'" in policy["style-src-elem"], url
        assert "'unsafe-inline'" not in policy["script-src"], url
    assert "'unsafe-inline'" not in _policy(client.get("/people/"))["style-src-elem"]


# --- Uploads: a request body above the cap is refused before it is read ------------------------


def test_a_request_body_above_the_cap_is_refused_with_413(handler, client, settings):
    settings.PUTRIGHT_MAX_REQUEST_MB = 1
    client.force_login(handler)
    body = b"x" * (1024 * 1024 + 1)
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert (
        response.json()["detail"] == "The upload is too large: send files of at most 1 MB in all."
    )


# --- The API answers every error in its one shape -----------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "error"),
    [
        ("post", "/api/v1/complaints/", "{not json", 400, "parse_error"),
        ("get", "/api/v1/complaints/CMP-2020-999999/", None, 404, "not_found"),
    ],
)
def test_api_errors_have_the_one_error_shape(handler, client, method, url, body, status, error):
    client.force_login(handler)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == status
    data = response.json()
    assert set(data) == {"error", "detail", "field", "provision", "fields"}
    assert data["error"] == error


def test_an_anonymous_api_request_has_the_one_error_shape(client):
    response = client.get("/api/v1/complaints/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"error", "detail", "field", "provision", "fields"}
