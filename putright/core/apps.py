from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide building blocks shared by every app."""

    name = "putright.core"
    label = "core"
    verbose_name = "PutRight core"

    def ready(self) -> None:
        # Registers the production settings check (run by `manage.py check --deploy`).
        import putright.production  # noqa: F401
