"""A production server refuses to start with a missing or unsafe setting, naming it."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from putright.production import insecure_settings, refuse_insecure_settings

GOOD_KEY = "a-real-secret-set-through-the-environment-0123456789-abcdefghijkl"


@pytest.fixture
def production(settings):
    """Settings as a correctly configured production server has them."""
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = ["complaints.thrive.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://complaints.thrive.example"]
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "smtp.thrive.example"},
        }
    }
    return settings


def test_a_correctly_configured_production_server_starts(production):
    assert insecure_settings() == []
    refuse_insecure_settings()


@pytest.mark.parametrize(
    ("setting", "value", "variable"),
    [
        ("SECRET_KEY", "django-insecure-putright-local-development-only", "SECRET_KEY"),
        ("SECRET_KEY", "short-key", "SECRET_KEY is too weak"),
        ("SECRET_KEY", "a" * 60, "SECRET_KEY is too weak"),
        ("ALLOWED_HOSTS", [], "ALLOWED_HOSTS"),
        ("ALLOWED_HOSTS", ["complaints.thrive.example", "*"], "ALLOWED_HOSTS must not be '*'"),
        ("CSRF_TRUSTED_ORIGINS", ["http://complaints.thrive.example"], "CSRF_TRUSTED_ORIGINS"),
        ("SESSION_COOKIE_SECURE", False, "SESSION_COOKIE_SECURE"),
        ("CSRF_COOKIE_SECURE", False, "CSRF_COOKIE_SECURE"),
        (
            "MAILERS",
            {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}},
            "EMAIL_HOST",
        ),
        (
            "MAILERS",
            {"default": {"BACKEND": "putright.core.mail.ConsoleEmailBackend"}},
            "EMAIL_HOST",
        ),
    ],
)
def test_a_production_server_refuses_a_missing_or_unsafe_setting_naming_it(
    production, setting, value, variable
):
    setattr(production, setting, value)
    [(_check_id, message)] = insecure_settings()
    assert f"environment variable {variable}" in message
    with pytest.raises(ImproperlyConfigured, match=f"environment variable {variable}"):
        refuse_insecure_settings()


def test_every_problem_is_listed_at_once(production):
    production.SECRET_KEY = production.INSECURE_DEV_SECRET_KEY
    production.ALLOWED_HOSTS = ["*"]
    assert [check_id for check_id, _message in insecure_settings()] == [
        "putright.E001",
        "putright.E004",
    ]


def test_check_deploy_reports_the_problem_as_an_error(production):
    production.ALLOWED_HOSTS = []
    with pytest.raises(SystemCheckError, match=r"putright\.E003.*ALLOWED_HOSTS"):
        call_command("check", deploy=True, tags=["security"], fail_level="ERROR")


def test_check_deploy_passes_a_correct_configuration(production):
    call_command("check", deploy=True, tags=["security"], fail_level="ERROR", verbosity=0)


def test_a_debug_server_may_use_the_development_key(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    settings.ALLOWED_HOSTS = []
    refuse_insecure_settings()


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_compilation():
    """Issue 19: JIT cost about a second of server CPU a report; the settings turn it off for
    every connection (DATABASE_URL's own options may still turn it on)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


WARM_UP_PROBE = """
import sys
import django
django.setup()
from django.db import connections
from putright.production import warm_up
before = set(sys.modules)
warm_up()
print(sorted({"putright.urls", "putright.complaints.api", "putright.reporting.views",
              "holidays.countries.united_kingdom"} & (set(sys.modules) - before)))
print(connections["default"].connection is None)
"""


def test_warming_up_loads_what_a_first_request_would_without_touching_the_database():
    # gunicorn forks every worker from the master that ran warm_up (preload_app): what it
    # imports is paid once, not in each worker's first request, and a database connection
    # opened there would be shared by every worker.
    probe = subprocess.run(  # noqa: S603  (this interpreter, our own code)
        [sys.executable, "-c", WARM_UP_PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "putright.settings"},
    )
    imported, no_connection = probe.stdout.splitlines()[-2:]
    assert imported == str(
        [
            "holidays.countries.united_kingdom",
            "putright.complaints.api",
            "putright.reporting.views",
            "putright.urls",
        ]
    )
    assert no_connection == "True"
