"""Settings a production server must have, checked before it serves a request.

`insecure_settings()` names each missing or unsafe setting by its environment variable. The
WSGI/ASGI entry points refuse to start on any (never for tests or commands, which run with
DEBUG off and the development key), and `manage.py check --deploy` reports them as errors,
which `make serve` runs first so a bad configuration stops start-up with the list.
`warm_up()` does at start-up what each server process's first request would do otherwise.
"""

from django.conf import settings
from django.core import checks
from django.core.checks.mail import NON_PRODUCTION_EMAIL_BACKENDS
from django.core.exceptions import ImproperlyConfigured

# As Django's own check --deploy (security.W009): long and varied enough to resist guessing.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def insecure_settings() -> list[tuple[str, str]]:
    """(check id, message) per missing or unsafe production setting, naming its variable."""
    if settings.DEBUG:
        return []
    problems: list[tuple[str, str]] = []
    key = settings.SECRET_KEY or ""
    if not key or key == settings.INSECURE_DEV_SECRET_KEY:
        problems.append(
            (
                "putright.E001",
                "Set the environment variable SECRET_KEY: PutRight will not serve requests "
                "with DEBUG off using the public development key.",
            )
        )
    elif (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith("django-insecure-")
    ):
        problems.append(
            (
                "putright.E002",
                f"The environment variable SECRET_KEY is too weak: use at least "
                f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
            )
        )
    hosts = settings.ALLOWED_HOSTS
    if not hosts:
        problems.append(
            (
                "putright.E003",
                "Set the environment variable ALLOWED_HOSTS to the host names PutRight is served "
                "at (comma-separated), e.g. complaints.thrive.example.",
            )
        )
    elif "*" in hosts:
        problems.append(
            (
                "putright.E004",
                "The environment variable ALLOWED_HOSTS must not be '*': list the host names "
                "PutRight is served at, so forged Host headers cannot reach it.",
            )
        )
    for origin in settings.CSRF_TRUSTED_ORIGINS:
        if not origin.startswith("https://"):
            problems.append(
                (
                    "putright.E005",
                    f"The environment variable CSRF_TRUSTED_ORIGINS has {origin!r}: trust only "
                    "https:// origins of this service.",
                )
            )
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        if not getattr(settings, name):
            problems.append(
                (
                    "putright.E006",
                    f"The environment variable {name} must not be off in production: the cookie "
                    "would travel over plain HTTP.",
                )
            )
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    if (
        backend in NON_PRODUCTION_EMAIL_BACKENDS
        or backend == "putright.core.mail.ConsoleEmailBackend"
    ):
        problems.append(
            (
                "putright.E007",
                "Set the environment variable EMAIL_HOST (with EMAIL_PORT, EMAIL_HOST_USER and "
                "EMAIL_HOST_PASSWORD): without it residents' emails, such as portal sign-in "
                "links, are only printed to the log.",
            )
        )
    return problems


def refuse_insecure_settings() -> None:
    """Stop a production server from starting with a missing or unsafe setting."""
    problems = [message for _id, message in insecure_settings()]
    if problems:
        raise ImproperlyConfigured(
            "PutRight will not start in production:\n- " + "\n- ".join(problems)
        )


def warm_up() -> None:
    """Import every URL's views and load the bank-holiday tables now, not in the first
    request: gunicorn loads the application once and forks its workers from it
    (putright/gunicorn_conf.py), so this is done once for all of them and for every worker
    recycled, instead of about 0.6 s of CPU in each worker's first request. Reads nothing from
    the database (a connection opened before the fork would be shared by the workers)."""
    from django.urls import get_resolver

    from putright.rules.calendar import CalendarHistory

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and every view it names)
    CalendarHistory.england_and_wales()


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(**kwargs: object) -> list[checks.CheckMessage]:
    """The same list for `manage.py check --deploy` (which `make serve` runs first)."""
    return [checks.Error(message, id=check_id) for check_id, message in insecure_settings()]
