from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "putright.hazards"
    label = "hazards"
    verbose_name = "Hazards (Awaab's Law)"

    def ready(self) -> None:
        from putright.hazards import panels  # noqa: F401  the case-page panel registers itself
