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


def viewer(**kwargs: Any) -> User:
    """A senior lead or governing-body member who may read but never change."""
    kwargs.setdefault("team", "Governing body")
    return UserFactory(role=User.Role.VIEWER, **kwargs)


def administrator(**kwargs: Any) -> User:
    """A system administrator (also a Django superuser)."""
    kwargs.setdefault("is_staff", True)
    kwargs.setdefault("is_superuser", True)
    return UserFactory(role=User.Role.ADMIN, **kwargs)
