"""ASGI entry point for PutRight."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")

application = get_asgi_application()

from putright.production import refuse_insecure_settings  # noqa: E402  (needs settings)

refuse_insecure_settings()
