from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "putright.intake"
    label = "intake"
    verbose_name = "Intake channels"
