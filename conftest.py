"""Project-wide test set-up and named staff personas usable from every app's tests."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tasks run inline so a test sees their effects; must be set before the first task is
    # enqueued because django.tasks caches its backends.
    # The "database" alias keeps the production backend reachable for tests of the queue itself.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "database": {**settings.TASKS["default"]},
    }
    # Hashing with PBKDF2 costs ~0.3 s per user; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run with DEBUG off (as production does) but the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # The manifest storage needs collectstatic first; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep uploaded files out of the project's media/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def handler(db):
    """Hamid, a complaint handler."""
    from putright.accounts import factories

    return factories.handler(username="hamid", first_name="Hamid", last_name="Shah")


@pytest.fixture
def second_handler(db):
    """Hannah, another complaint handler (e.g. for stage 2, which needs a different person)."""
    from putright.accounts import factories

    return factories.handler(username="hannah", first_name="Hannah", last_name="Lee")


@pytest.fixture
def officer(db):
    """Olivia, the complaints officer."""
    from putright.accounts import factories

    return factories.officer(username="olivia", first_name="Olivia", last_name="Okafor")


@pytest.fixture
def viewer(db):
    """Vera, the governing body's Member Responsible for Complaints (read-only)."""
    from putright.accounts import factories

    return factories.viewer(username="vera", first_name="Vera", last_name="Mills")


@pytest.fixture
def administrator(db):
    """A system administrator (Django superuser)."""
    from putright.accounts import factories

    return factories.administrator(username="sysadmin", first_name="Sam", last_name="Admin")
