from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "putright.complaints"
    label = "complaints"
    verbose_name = "Complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from putright.complaints import search  # noqa: F401  follows residents' changes
        from putright.complaints.services import common  # noqa: F401  and their vulnerabilities
