from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "putright.imports"
    verbose_name = "Imports of past complaints"

    def ready(self) -> None:
        from putright.imports import search  # noqa: F401  old references are indexed for search
