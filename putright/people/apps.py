from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "putright.people"
    label = "people"
    verbose_name = "People and homes"
    default_auto_field = "django.db.models.BigAutoField"
