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


@task()
def produce_hazard_summary(step_id: int) -> None:
    """The written summary for a hazard report with no complaint (``letters.hazard_letters``)."""
    from putright.hazards.models import HazardStep
    from putright.letters.hazard_letters import produce_hazard_summary as produce

    produce(HazardStep.objects.select_related("report__resident", "actor").get(pk=step_id))
