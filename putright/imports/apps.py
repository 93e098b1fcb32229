from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "putright.imports"
    verbose_name = "Imports of past complaints"
