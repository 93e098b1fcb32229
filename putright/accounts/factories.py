"""Factories and named personas for staff, so tests read as stories."""

from typing import Any

import factory

from putright.accounts.models import User

TEST_PASSWORD = "putright-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@thrive.example")
    role = User.Role.HANDLER
    team = "Complaints"
    password = factory.django.Password(TEST_PASSWORD)


def handler(**kwargs: Any) -> User:
    """A complaint handler who investigates and responds to cases."""
    return UserFactory(role=User.Role.HANDLER, **kwargs)


def officer(**kwargs: Any) -> User:
    """The complaints officer who oversees the service."""
    return UserFactory(role=User.Role.OFFICER, **kwargs)


def mrc(**kwargs: Any) -> User:
    """The governing body's Member Responsible for Complaints (Code 9.5): reads, approves."""
    kwargs.setdefault("team", "Governing body")
    return UserFactory(role=User.Role.MRC, **kwargs)


def board_member(**kwargs: Any) -> User:
    """A governing body member: reads the reports, writes and approves the board's response."""
    kwargs.setdefault("team", "Governing body")
    return UserFactory(role=User.Role.GOVERNING_BODY, **kwargs)


def senior_lead(**kwargs: Any) -> User:
    """The senior lead for complaints: reads everything, approves exceptional circumstances."""
    kwargs.setdefault("team", "Executive team")
    return UserFactory(role=User.Role.SENIOR_LEAD, **kwargs)


def administrator(**kwargs: Any) -> User:
    """A system administrator (also a Django superuser)."""
    kwargs.setdefault("is_staff", True)
    kwargs.setdefault("is_superuser", True)
    return UserFactory(role=User.Role.ADMIN, **kwargs)
