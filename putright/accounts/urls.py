from django.urls import path

from putright.accounts import views

urlpatterns = [
    path("login/", views.staff_login, name="login"),
    path("two-step/", views.two_step_overview, name="two_step"),
    path("two-step/set-up/", views.two_step_setup, name="two_step_setup"),
    path("two-step/verify/", views.two_step_verify, name="two_step_verify"),
    path("two-step/recovery-codes/", views.two_step_recovery_codes, name="two_step_recovery"),
    path("two-step/remove/", views.two_step_remove, name="two_step_remove"),
    path("two-step/passkeys/add/", views.passkey_add, name="passkey_add"),
    path("two-step/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("security-log/", views.security_log, name="security_log"),
    path("security-log/unlock/", views.signin_unlock, name="signin_unlock"),
]
