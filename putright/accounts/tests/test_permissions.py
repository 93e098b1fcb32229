import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from putright.accounts.models import User
from putright.accounts.permissions import IsCaseWorker, IsOfficer, can_manage, can_work_cases

# Unsaved users are enough: the helpers read the role, never the database.


def staff(role: str, **kwargs) -> User:
    return User(username=f"someone-{role}", role=role, **kwargs)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("handler", True),
        ("officer", True),
        ("admin", True),
        ("senior_lead", False),
        ("governing_body", False),
        ("mrc", False),
    ],
)
def test_only_handlers_officers_and_admins_can_work_cases(role, expected):
    assert can_work_cases(staff(role)) is expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("handler", False),
        ("officer", True),
        ("admin", True),
        ("senior_lead", False),
        ("governing_body", False),
        ("mrc", False),
    ],
)
def test_only_officers_and_admins_can_manage(role, expected):
    assert can_manage(staff(role)) is expected


def test_an_anonymous_visitor_can_neither_work_cases_nor_manage():
    assert can_work_cases(AnonymousUser()) is False
    assert can_manage(AnonymousUser()) is False


def test_a_deactivated_officer_loses_every_permission():
    former = staff("officer", is_active=False)
    assert can_work_cases(former) is False
    assert can_manage(former) is False


def test_role_properties_describe_what_each_role_may_do():
    assert staff("officer").is_officer
    assert not staff("handler").is_officer
    assert staff("mrc").is_read_only
    assert not staff("mrc").can_handle_cases
    assert staff("admin").can_handle_cases


def _request(method: str, user):
    request = getattr(APIRequestFactory(), method)("/api/v1/anything/")
    request.user = user
    return request


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_the_mrc_may_read_through_the_api(method):
    assert IsCaseWorker().has_permission(_request(method, staff("mrc")), view=None)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_mrc_may_not_write_through_the_api(method):
    assert not IsCaseWorker().has_permission(_request(method, staff("mrc")), view=None)


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_a_handler_may_read_and_write_through_the_api(method):
    assert IsCaseWorker().has_permission(_request(method, staff("handler")), view=None)


def test_an_anonymous_caller_may_not_even_read_through_the_api():
    assert not IsCaseWorker().has_permission(_request("get", AnonymousUser()), view=None)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("handler", False),
        ("officer", True),
        ("admin", True),
        ("senior_lead", False),
        ("governing_body", False),
        ("mrc", False),
    ],
)
def test_officer_only_endpoints_admit_officers_and_admins(role, expected):
    assert IsOfficer().has_permission(_request("post", staff(role)), view=None) is expected
