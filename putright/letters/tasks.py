"""Background work: delivering letters (django.tasks; `manage.py db_worker` runs them)."""

from django.tasks import task


@task()
def deliver_letter(item_id: int) -> None:
    """Send one outbox item (retries are scheduled by the outbox itself)."""
    from putright.letters.services.outbox import outbox_deliver

    outbox_deliver(item_id=item_id)


@task()
def produce_letters(event_id: int) -> None:
    """Build the letters a case-record event calls for (see ``letters.listeners``)."""
    from putright.complaints.models import CaseEvent
    from putright.letters.listeners import produce_letters_for

    event = CaseEvent.objects.select_related("complaint", "actor").get(pk=event_id)
    produce_letters_for(event)
