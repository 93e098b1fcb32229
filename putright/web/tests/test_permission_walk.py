"""Every URL and API endpoint, for every role, against the one permission matrix.

The URLconf is walked; each route states its rule (``view_permission`` on pages,
``api_permission`` on API routes) or is in PUBLIC_OR_OWN_SIGN_IN below; a route with neither
fails. Then each route is requested by an anonymous visitor and by each staff role, with
every method it answers, and the outcome must be what the matrix says: allowed -> neither
401/403 nor a redirect to sign in; refused -> 403 (anonymous: sign in, or 401/403 on the API).
The web pages and the API read the same table, so they cannot disagree.
"""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from putright.accounts import factories as staff
from putright.accounts.services import api_token_create
from putright.complaints.models import Complaint
from putright.complaints.tests import conftest as complaint_personas
from putright.complaints.tests import test_api_fuzz
from putright.core.permissions import Role, api_permission, role_may, view_permission

pytestmark = pytest.mark.django_db

# Routes that deliberately use no staff rule, each with why.
PUBLIC_OR_OWN_SIGN_IN = {
    # The load balancer's health check: no personal data, no authentication (core/views.py).
    "healthz",
    # Staff sign-in and password pages (Django's own; password change needs a session).
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The public complaint form: anyone may complain (Code 3.1).
    "complain:start",
    "complain:check",
    "complain:confirmation",
    "complain:step",
    # The resident portal: its own emailed sign-in link (putright/portal/tests).
    "portal:home",
    "portal:redeem",
    "portal:sign_out",
    "portal:complaint",
    "portal:add",
    "portal:escalate",
    "portal:attachment",
    # The API's description (no data) and its index (any signed-in caller).
    "schema",
    "api-docs",
    "api-redoc",
    "api-root",
    # Any /api/ address no route matches: answers 404 to everyone, reads nothing.
    "api-not-found",
}
ROLES = [None, *Role]


def routes(patterns=None, prefix="", namespace=None):
    """(route, name, callback) for every URL pattern outside the Django admin."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) == "admin/":
                continue  # Django admin: is_staff plus model permissions, not the matrix
            ns = p.namespace and (f"{namespace}:{p.namespace}" if namespace else p.namespace)
            yield from routes(p.url_patterns, prefix + str(p.pattern), ns or namespace)
        elif isinstance(p, URLPattern) and "format" not in p.pattern.regex.groupindex:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p.callback


def rule_of(callback):
    return view_permission(callback) or api_permission(callback)


def test_every_route_states_its_rule_or_is_listed_as_public():
    unruled = [
        f"{route} ({name})"
        for route, name, callback in routes()
        if rule_of(callback) is None and name not in PUBLIC_OR_OWN_SIGN_IN
    ]
    assert unruled == []


def _fill(route: str, args: dict[str, str]) -> str:
    """A concrete path for a route (``<int:pk>`` or a regex group), from the sample values."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: args.get(m.group(1), "1"), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: args.get(m.group(1), "1"), route)
    return "/" + route.replace("\\.", ".")


def _methods(callback, rule) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        # DRF adds "head" to a GET route's mapping once it has been called: HEAD is GET.
        return sorted(m.upper() for m in actions if m not in {"head", "options"})
    cls = getattr(callback, "cls", None)
    if cls is not None:
        return ["GET"]
    return ["GET", "POST"]


def _expected(role, rule, method) -> bool:
    action, unsafe = rule
    if role is None or not role_may(role, action):
        return False
    return method in {"GET", "HEAD", "OPTIONS"} or unsafe is None or role_may(role, unsafe)


# The fuzz test's records: a complaint responded to (remedies, an action), escalated and
# referred, a draft in review and a hazard report; officer, handlers, resident.
records = test_api_fuzz.records
monday = complaint_personas.monday
resident = complaint_personas.resident
category = complaint_personas.category


@pytest.fixture
def sample_args(records, officer):
    """Real ids for the routes, so an allowed role reaches the page or endpoint itself (and
    any check it makes on the object), not a 404 before it."""
    complaint = Complaint.objects.get(reference=records["reference"])
    token, _ = api_token_create(
        user=officer, name="walk", days=1, actor=officer, two_step_verified=True
    )
    ids = {
        # route prefix (as the URLconf writes it) -> the id its <pk> stands for
        "api/v1/^remedies/": records["remedies"],
        "api/v1/^actions/": records["actions"],
        "api/v1/^referrals/": records["referrals"],
        "api/v1/^drafts/": records["drafts"],
        "api/v1/^hazards/": records["hazards"],
        "api/v1/^residents/": records["residents"],
        "hazards/<int:pk>/": records["hazards"],
        "letters/reviews/": records["drafts"],
        "accounts/api-tokens/": token.pk,
    }
    return {
        "reference": complaint.reference,
        "pk": str(complaint.resident.pk),  # people/ and privacy/ routes
        "resident_pk": str(complaint.resident.pk),
        "year": "2025",
        "number": "1",
        "fmt": "csv",
        "key": "received",
        "provision": "1.1",
        "kind": "response",
        "ids": ids,
    }


def _args_for(route: str, sample_args: dict) -> tuple[dict, bool]:
    """The sample values with <pk> set for this route; and whether it is a real object."""
    for prefix, pk in sample_args["ids"].items():
        if route.startswith(prefix):
            return {**sample_args, "pk": str(pk)}, True
    real = route.startswith(("people/<int:pk>/", "privacy/residents/<int:pk>/"))
    return sample_args, real


def test_every_route_answers_every_role_as_the_matrix_says(client, sample_args):
    users = {role: role and staff.UserFactory(role=role) for role in ROLES}
    client.raise_request_exception = False
    wrong, errors, missing, checked = [], [], [], 0
    for route, _name, callback in routes():
        rule = rule_of(callback)
        if rule is None:
            continue
        args, real = _args_for(route, sample_args)
        path = _fill(route, args)
        is_api = path.startswith("/api/")
        for method in _methods(callback, rule):
            for role in ROLES:
                client.logout()
                if role:
                    client.force_login(users[role])
                if method == "GET":
                    response = client.get(path)
                elif is_api:
                    response = client.generic(method, path, "{}", content_type="application/json")
                else:
                    response = client.post(path, {})
                code = response.status_code
                if code == 405:
                    continue  # a method the route does not answer (checked before the rule)
                checked += 1
                to_sign_in = code == 302 and response["Location"].startswith(settings.LOGIN_URL)
                if _expected(role, rule, method):
                    ok = code not in (401, 403) and not to_sign_in
                    if method == "GET" and real and code == 404:
                        missing.append(f"GET {path} as {role}: 404 for a real object")
                elif role is None:
                    ok = code in (401, 403) if is_api else to_sign_in
                else:
                    ok = code == 403
                if not ok:
                    wrong.append(f"{method} {path} as {role or 'anonymous'}: {code}")
                if code >= 500:
                    errors.append(f"{method} {path} as {role or 'anonymous'}: {code}")
    assert not wrong, "\n".join(wrong)
    assert not errors, "\n".join(errors)
    assert not missing, "\n".join(missing)
    assert checked > 400, checked
