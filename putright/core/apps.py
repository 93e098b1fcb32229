from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


def _queue_first_tick(**kwargs: object) -> None:
    # Imported here: defining a task reads settings.TASKS, which must wait until apps are ready.
    from putright.core.tasks import queue_first_tick

    queue_first_tick()


class CoreConfig(AppConfig):
    """Project-wide building blocks shared by every app."""

    name = "putright.core"
    label = "core"
    verbose_name = "PutRight core"

    def ready(self) -> None:
        # Registers the production settings check (run by `manage.py check --deploy`).
        import putright.production  # noqa: F401

        # Each app declares its periodic jobs in a `jobs.py` module (see core/scheduler.py).
        autodiscover_modules("jobs")
        post_migrate.connect(_queue_first_tick, sender=self, dispatch_uid="core.first_tick")
