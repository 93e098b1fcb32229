"""Guards applied only when PutRight is served (WSGI/ASGI), never for tests or commands."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_secret_key() -> None:
    """Stop a production server from starting with the public development SECRET_KEY."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "Set the environment variable SECRET_KEY: PutRight will not serve requests "
            "with DEBUG off using the public development key."
        )
