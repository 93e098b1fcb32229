"""Background work for imports (django.tasks; `manage.py db_worker` runs it)."""

from django.tasks import task

from putright.imports.models import ImportBatch


@task
def run_import(batch_id: int) -> None:
    from putright.imports.services import import_run_queued

    import_run_queued(batch=ImportBatch.objects.get(pk=batch_id))
