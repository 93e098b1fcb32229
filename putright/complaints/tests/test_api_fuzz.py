"""The API against its own OpenAPI schema, fuzzed with schemathesis (bounded, so CI stays quick).

Every operation in the schema is called in-process through the WSGI app, as an officer with
an API token, with generated input: valid input (positive) and input the schema forbids
(negative). Each response must be:
- not a server error;
- a status code the schema documents for that operation;
- the content type, and a body matching the schema, documented for that status;
- for negative input, a refusal (4xx), never an acceptance.
The database holds a complaint in each main state, with remedies, an action, a draft, a
referral and a hazard, so lists return real rows and each detail page is also read once with a
real id. "Schema-valid input accepted" (schemathesis's positive_data_acceptance) is not
checked: the Code's rules (a date after receipt, a handler other than stage 1's, a record
that exists) cannot be said in OpenAPI, and the API answers them with a documented 400/409.
`PUTRIGHT_FUZZ_EXAMPLES` raises the bound for a longer run (docs/security.md).
"""

import json
import os
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from putright.accounts.services import api_token_create
from putright.complaints import services
from putright.complaints.tests.stories import (
    acknowledged,
    compensation,
    escalated,
    received,
    responded,
    response_input,
    roof_repair,
    stage_of,
)
from putright.core.clock import now, today
from putright.hazards.services import hazard_report_raise
from putright.hazards.tests.test_api import RAISE

EXAMPLES = int(os.environ.get("PUTRIGHT_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _schema() -> Any:
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, not through Django's test client, so Django's
    end-of-request handler would close the test's database connection (inside its transaction,
    on PostgreSQL) after the first call. Django's own client turns it off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(officer) -> str:
    _, key = api_token_create(
        user=officer, name="fuzz", days=1, actor=officer, two_step_verified=True
    )
    return key


@pytest.fixture
def records(monday, resident, category, handler, second_handler, officer) -> dict[str, Any]:
    """One complaint of each kind the API shows, and its parts; the ids for detail pages."""
    received(resident=resident, actor=handler, category=category)
    answered = acknowledged(
        received(resident=resident, actor=handler, category=category), actor=handler
    )
    answered = responded(
        answered, actor=handler, remedies=[compensation()], actions=[roof_repair(owner=handler)]
    )
    drafted = acknowledged(
        received(resident=resident, actor=handler, category=category), actor=handler
    )
    draft = services.response_draft_submit(
        stage=stage_of(drafted), data=response_input(drafted), actor=handler
    )
    referral = services.ombudsman_referral_record(
        complaint=escalated(answered, actor=handler), referred_on=today(), actor=officer
    )
    hazard = hazard_report_raise(actor=handler, **{**RAISE, "aware_at": now() - timedelta(hours=2)})
    return {
        "reference": answered.reference,
        "remedies": answered.remedies.first().pk,
        "actions": answered.outstanding_actions.first().pk,
        "drafts": draft.pk,
        "referrals": referral.pk,
        "residents": resident.pk,
        "hazards": hazard.pk,
    }


def _id_for(operation: Any, records: dict[str, Any]) -> dict[str, Any] | None:
    names = {p.name for p in operation.path_parameters}
    if not names:
        return None
    if "reference" in names:
        return {"reference": records["reference"]}
    collection = operation.path.split("/")[3]
    return {"id": records[collection]} if collection in records else None


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_answers_as_its_schema_says(operation, records, token):
    headers = {"Authorization": f"Token {token}"}
    if operation.method.upper() == "GET" and (ids := _id_for(operation, records)):
        operation.Case(path_parameters=ids).call_and_validate(headers=headers, checks=CHECKS)

    # Input the schema forbids exists only where the operation takes some.
    takes_input = bool(operation.body) or any(
        p.location.value in ("path", "query") for p in operation.iter_parameters()
    )
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_input else [])
    for mode in modes:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
