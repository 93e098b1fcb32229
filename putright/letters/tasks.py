"""Background work: delivering letters (django.tasks; `manage.py db_worker` runs them)."""

from django.tasks import task


@task()
def deliver_letter(item_id: int) -> None:
    """Send one outbox item (retries are scheduled by the outbox itself)."""
    from putright.letters.services.outbox import outbox_deliver

    outbox_deliver(item_id=item_id)
