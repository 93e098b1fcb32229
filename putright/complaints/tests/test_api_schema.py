"""The API says what it does: the cases the fuzz test (test_api_fuzz.py) found, pinned down.

Each test here failed before the fix it names (schemathesis found them against /api/schema/).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from putright.complaints.models import CaseEvent
from putright.complaints.tests.stories import received
from putright.complaints.tests.test_api import client_for
from putright.core.hardening import NUL_REFUSED


@pytest.fixture
def api(handler):
    return client_for(handler)


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/remedies/abc/complete/",
        "/api/v1/actions/1x/complete/",
        "/api/v1/referrals/1.5/outcome/",
        "/api/v1/drafts/abc/approve/",
        "/api/v1/complaints/not-a-reference/close/",
    ],
)
def test_an_id_that_is_not_a_number_is_a_404_in_the_error_shape(api, url):
    response = api.post(url, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/complaints/?open=null",
        "/api/v1/complaints/?stage=abc",
        "/api/v1/complaints/?status=nonsense",
        "/api/v1/follow-ups/?mine=0.5",
        "/api/v1/follow-ups/?kind=other",
        "/api/v1/drafts/?status=maybe",
    ],
)
def test_a_bad_list_parameter_is_a_400_naming_it(api, url):
    response = api.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in response.json()["fields"]


def test_a_nul_byte_in_a_json_body_is_a_400_naming_the_field_and_nothing_is_written(
    monday, api, resident, handler
):
    complaint = received(resident=resident, actor=handler)
    response = api.post(
        f"/api/v1/complaints/{complaint.reference}/notes/",
        '{"text": "Rang the resident\\u0000 back"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"
    assert response.json()["fields"] == {"text": [NUL_REFUSED]}
    assert not CaseEvent.objects.filter(complaint=complaint, code="note.added").exists()


def test_a_form_body_is_refused_where_the_schema_says_json(monday, api, resident, handler):
    complaint = received(resident=resident, actor=handler)
    response = api.post(
        f"/api/v1/complaints/{complaint.reference}/notes/", {"text": "x"}, format="multipart"
    )
    # 415 when the body is unread; 400 ("text" missing) once the NUL middleware has read a form.
    assert response.status_code in {400, 415}
    assert not CaseEvent.objects.filter(complaint=complaint, code="note.added").exists()


def test_the_profile_is_documented_as_the_object_it_is(api, schema):
    answer = api.get("/api/v1/profile/").json()
    documented = schema["paths"]["/api/v1/profile/"]["get"]["responses"]["200"]
    assert isinstance(answer, dict)
    assert documented["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CodeProfile"
    }
    properties = schema["components"]["schemas"]["CodeProfile"]["properties"]
    assert set(answer) == set(properties)


def test_fields_that_can_be_empty_are_documented_nullable(schema):
    components = schema["components"]["schemas"]
    for component, field in [
        ("Complaint", "handler"),
        ("Complaint", "linked_to"),
        ("ComplaintSummary", "handler"),
        ("Stage", "handler"),
        ("Event", "corrects"),
        ("Draft", "reviewer"),
        ("FollowUpOut", "owner"),
        ("FollowUpOut", "completed_on"),
        ("HazardReport", "complaint"),
    ]:
        assert components[component]["properties"][field].get("nullable") is True, (
            component,
            field,
        )


def test_a_hazard_clock_is_documented_with_its_status_in_words_and_its_citation(
    monday, api, handler, schema
):
    from putright.hazards.tests.stories import raised

    report = raised(actor=handler)
    answer = api.get(f"/api/v1/hazards/{report.pk}/").json()["clocks"][0]
    components = schema["components"]["schemas"]
    clocks = components["HazardReport"]["properties"]["clocks"]
    assert clocks["items"] == {"$ref": "#/components/schemas/ClockOut"}
    clock = components["ClockOut"]
    assert set(answer) == set(clock["properties"]) == set(clock["required"])
    assert clock["properties"]["status_label"]["type"] == "string"
    assert clock["properties"]["citation"] == {"$ref": "#/components/schemas/CitationOut"}
    citation = components["CitationOut"]
    assert set(answer["citation"]) == set(citation["properties"])
    assert citation["properties"]["regulation"].get("nullable") is True
    assert citation["properties"]["verified"]["type"] == "boolean"


def test_every_operation_documents_the_refusals_it_can_give(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "415"} <= codes, (method, path)


@pytest.mark.parametrize("query", ["page=", "page=1&page=2", "page=%C2%B2", "page=0", "page=x"])
def test_a_page_that_is_not_one_whole_number_is_a_404(api, query):
    response = api.get(f"/api/v1/residents/?{query}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_hazard_the_landlord_became_aware_of_before_2000_is_refused(api):
    from putright.hazards.tests.test_api import RAISE

    response = api.post("/api/v1/hazards/", {**RAISE, "aware_at": "1691-06-26T15:57:49Z"})
    assert response.status_code == 400
    assert response.json()["field"] == "aware_at"


def test_a_form_with_more_files_than_django_allows_is_a_json_400(
    monday, api, resident, handler, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    complaint = received(resident=resident, actor=handler)
    files = [SimpleUploadedFile(f"p{i}.png", b"x", content_type="image/png") for i in range(3)]
    response = api.post(
        f"/api/v1/complaints/{complaint.reference}/attachments/",
        {"files": files},
        format="multipart",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "bad_request"
