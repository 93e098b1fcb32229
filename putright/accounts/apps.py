from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "putright.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from putright.accounts import forms, signals  # noqa: F401  (connects the receivers)

        # The admin's own sign-in page obeys the same lockout; two-step verification is then
        # required by TwoStepMiddleware before any admin page.
        admin.site.login_form = forms.AdminLockoutAuthenticationForm
