from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "putright.letters"
    label = "letters"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Letters react to the lifecycle through case-record events, and refuse a drafted
        # response whose letter would miss what the Code requires through a response check.
        from putright.core.messages import OutgoingMessage, register_sender
        from putright.letters import checks, hazard_letters, listeners  # noqa: F401
        from putright.letters.services.letters import message_queue

        def send(message: OutgoingMessage) -> object:
            return message_queue(
                kind=message.kind,
                to=message.to,
                name=message.name,
                subject=message.subject,
                body=message.body,
                key=message.key,
                complaint=message.complaint,
                resident=message.resident,
                role=message.role,
                body_after_sending=message.body_after_sending,
            )

        # One door out: receipts, sign-in links and reminders go through the outbox.
        register_sender(send)

        # The queue, dashboard and case page flag letters that could not be produced or
        # delivered, read from the outbox's own state (complaints never imports letters).
        from putright.complaints.hooks import register_letter_trouble
        from putright.letters.selectors import deliveries_failed, letter_requests_unresolved

        register_letter_trouble(letter_requests_unresolved)
        register_letter_trouble(deliveries_failed)
