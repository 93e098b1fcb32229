from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "putright.reporting"
    verbose_name = "Reports and oversight"
    default_auto_field = "django.db.models.BigAutoField"
