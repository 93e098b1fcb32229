from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "putright.letters"
    label = "letters"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Letters react to the lifecycle through case-record events (contract 2).
        from putright.letters import listeners  # noqa: F401
