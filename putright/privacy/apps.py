from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Residents' data rights (UK GDPR): retention, anonymisation, subject access, erasure."""

    name = "putright.privacy"
    label = "privacy"
    verbose_name = "Residents' data (UK GDPR)"
