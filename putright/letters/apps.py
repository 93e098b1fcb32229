from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "putright.letters"
    label = "letters"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Letters react to the lifecycle through case-record events, and refuse a drafted
        # response whose letter would miss what the Code requires through a response check.
        from putright.letters import checks, listeners  # noqa: F401
