import pytest
from django.core.exceptions import ImproperlyConfigured

from putright.production import refuse_insecure_secret_key


def test_a_production_server_refuses_the_public_development_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="Set the environment variable SECRET_KEY"):
        refuse_insecure_secret_key()


def test_a_production_server_starts_with_its_own_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "a-real-secret-set-through-the-environment-0123456789"
    refuse_insecure_secret_key()


def test_a_debug_server_may_use_the_development_key(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    refuse_insecure_secret_key()
