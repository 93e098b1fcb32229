"""The permission matrix: every role × every action, and the page and API guards that read it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from putright.accounts.models import User
from putright.core.permissions import (
    MATRIX,
    Action,
    HasAction,
    Role,
    allowed,
    permission_required_for,
    view_permission,
)

# The table as the service runs it, written out by hand so a change to MATRIX must be made
# here too. Columns: handler, officer, senior lead, governing body member, MRC, admin.
EXPECTED = """
view_cases                  Y Y Y Y Y Y
work_cases                  Y Y . . . Y
assign                      . Y . . . Y
review_responses            Y Y . . . Y
manage_letters              Y Y . . . Y
edit_letter_templates       . . . . . Y
edit_compensation_schedule  . Y . . . Y
read_reports                . Y Y Y Y Y
edit_reports                . Y . . . Y
read_ombudsman              . Y Y . Y Y
approve_for_governing_body  . . . Y Y Y
declare_exceptional         . Y . . . Y
approve_exceptional         . . Y . . Y
import                      . Y . . . Y
record_hazards              Y Y . . . Y
run_installation            . . . . . Y
manage_own_sign_in          Y Y Y Y Y Y
read_security_log           . . . . . Y
unlock_sign_in              . . . . . Y
manage_residents_data       . . . . . Y
recognise                   Y Y . . . Y
merge_residents             . Y . . . Y
"""
COLUMNS = [Role.HANDLER, Role.OFFICER, Role.SENIOR_LEAD, Role.GOVERNING_BODY, Role.MRC, Role.ADMIN]


def expected() -> dict[tuple[Role, Action], bool]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        name, *marks = line.split()
        for role, mark in zip(COLUMNS, marks, strict=True):
            table[role, Action(name)] = mark == "Y"
    return table


def staff(role: str, **kwargs) -> User:
    return User(username=f"someone-{role}", role=role, **kwargs)


def test_the_written_table_names_every_role_and_every_action():
    assert set(expected()) == {(role, action) for role in Role for action in Action}
    assert set(MATRIX) == set(Action)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_allowed_matches_the_table_for_every_role_and_action(role, action):
    assert allowed(staff(role), action) is expected()[role, action]


@pytest.mark.parametrize("action", list(Action))
def test_anonymous_and_deactivated_staff_may_do_nothing(action):
    assert allowed(AnonymousUser(), action) is False
    assert allowed(None, action) is False
    assert allowed(staff("admin", is_active=False), action) is False


def test_an_unknown_role_may_do_nothing():
    assert not any(allowed(staff("caretaker"), action) for action in Action)


def test_a_superuser_may_edit_templates_and_see_jobs_whatever_their_role_but_nothing_else():
    boss = staff("handler", is_superuser=True)
    assert allowed(boss, Action.EDIT_LETTER_TEMPLATES)
    assert allowed(boss, Action.RUN_INSTALLATION)  # the scheduled jobs, as before the matrix
    assert not allowed(boss, Action.ASSIGN)
    assert not allowed(boss, Action.IMPORT)


def test_the_user_role_is_the_matrix_role():
    assert User.Role is Role
    assert staff("officer").can_handle_cases
    assert not staff("mrc").can_handle_cases


# --- the page decorator ------------------------------------------------------------------------


@permission_required_for(Action.ASSIGN)
def assign_page(request):
    return HttpResponse("ok")


@permission_required_for(Action.VIEW_CASES, unsafe=Action.WORK_CASES)
def staff_page(request):
    return HttpResponse("ok")


def _page_request(method: str, user):
    request = getattr(RequestFactory(), method)("/somewhere/?x=1")
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_sign_in_and_comes_back():
    response = assign_page(_page_request("get", AnonymousUser()))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/somewhere/%3Fx%3D1"


@pytest.mark.parametrize(("role", "allowed_in"), [("officer", True), ("handler", False)])
def test_signed_in_staff_without_the_action_get_403(role, allowed_in):
    request = _page_request("get", staff(role))
    if allowed_in:
        assert assign_page(request).status_code == 200
    else:
        with pytest.raises(PermissionDenied):
            assign_page(request)


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_mrc_reads_a_staff_page(method):
    assert staff_page(_page_request(method, staff("mrc"))).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_mrc_cannot_write_through_a_staff_page_but_a_handler_can(method):
    with pytest.raises(PermissionDenied):
        staff_page(_page_request(method, staff("mrc")))
    assert staff_page(_page_request(method, staff("handler"))).status_code == 200


def test_a_decorated_view_states_what_it_requires():
    assert view_permission(assign_page) == (Action.ASSIGN, None)
    assert view_permission(staff_page) == (Action.VIEW_CASES, Action.WORK_CASES)
    assert view_permission(lambda request: None) is None


# --- the API permission class ------------------------------------------------------------------


def _api_request(method: str, user):
    request = getattr(APIRequestFactory(), method)("/api/v1/anything/")
    request.user = user
    return request


@pytest.mark.parametrize("role", list(Role))
def test_the_api_class_reads_the_same_table(role):
    permission = HasAction(Action.ASSIGN)()
    assert (
        permission.has_permission(_api_request("post", staff(role)), view=None)
        is (expected()[role, Action.ASSIGN])
    )


@pytest.mark.parametrize("role", list(Role))
def test_the_api_class_with_unsafe_reads_for_reads_and_writes_for_writes(role):
    permission = HasAction(Action.VIEW_CASES, unsafe=Action.WORK_CASES)()
    assert (
        permission.has_permission(_api_request("get", staff(role)), view=None)
        is (expected()[role, Action.VIEW_CASES])
    )
    assert (
        permission.has_permission(_api_request("post", staff(role)), view=None)
        is (expected()[role, Action.WORK_CASES])
    )
