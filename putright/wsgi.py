"""WSGI entry point for PutRight."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")

application = get_wsgi_application()

from putright.production import refuse_insecure_settings, warm_up  # noqa: E402  (needs settings)

refuse_insecure_settings()
warm_up()
