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
from putright.complaints.tests.stories import received
from putright.core.permissions import Role, api_permission, role_may, view_permission
from putright.people.factories import ResidentFactory

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


@pytest.fixture
def sample_args(handler):
    complaint = received(resident=ResidentFactory(), actor=handler)
    resident = complaint.resident
    return {
        "reference": complaint.reference,
        "pk": str(resident.pk),
        "resident_pk": str(resident.pk),
        "year": "2025",
        "number": "1",
        "fmt": "csv",
        "key": "received",
        "provision": "1.1",
        "kind": "response",
    }


def test_every_route_answers_every_role_as_the_matrix_says(client, sample_args):
    users = {role: role and staff.UserFactory(role=role) for role in ROLES}
    client.raise_request_exception = False
    wrong, errors, checked = [], [], 0
    for route, _name, callback in routes():
        rule = rule_of(callback)
        if rule is None:
            continue
        path = _fill(route, sample_args)
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
    assert checked > 400, checked
