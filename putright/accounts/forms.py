"""Sign-in, two-step and API token forms."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from putright.accounts import constants, lockout
from putright.core.security import Kind, client_ip, security_event_record


class _LockoutMixin:
    """Refuse before checking the password while the username or address is locked, so the
    right password does not get in either (and a guesser learns nothing)."""

    request: Any
    error_messages: dict[str, str]

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))  # type: ignore[attr-defined]
        if username and lockout.locked(username=username, ip=client_ip(self.request)):
            security_event_record(kind=Kind.SIGNIN_REFUSED, request=self.request, username=username)
            raise forms.ValidationError(
                constants.LOCKED_OUT.format(minutes=settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES),
                code="locked",
            )
        return super().clean()  # type: ignore[misc]


class StaffAuthenticationForm(_LockoutMixin, AuthenticationForm):
    pass


class AdminLockoutAuthenticationForm(_LockoutMixin, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        strip=True,
        error_messages={"required": constants.MFA_CODE_MISSING},
    )


TOKEN_LIFETIMES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, error_messages={"required": constants.TOKEN_NAME_MISSING}
    )
    days = forms.TypedChoiceField(choices=TOKEN_LIFETIMES, coerce=int, initial=90)


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150, required=False)
    ip = forms.GenericIPAddressField(required=False)


class PasskeyForm(forms.Form):
    """A name for the new passkey; the browser puts its answer (base64url JSON) in
    `credential` (web/static/web/passkeys.js)."""

    name = forms.CharField(
        max_length=100,
        label="Name of this passkey",
        help_text="For example, “Work laptop” or “Security key”.",
        error_messages={"required": constants.PASSKEY_NAME_MISSING},
    )
    credential = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)

    def clean(self) -> dict[str, Any]:
        """A missing or garbled answer from the device is a problem with the whole form (the
        field is hidden, so the error summary links to the form's start)."""
        import json

        data = super().clean()
        if "name" in self.errors:
            return data  # one problem at a time: the name first
        try:
            value = json.loads(data.get("credential") or "")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError(constants.PASSKEY_NOT_MADE, code="no_passkey")
        data["credential"] = value
        return data


def passkey_answer(data: Any) -> dict[str, Any] | None:
    """The browser's answer to a sign-in challenge from a POST, or None if it is not JSON."""
    import json

    try:
        value = json.loads(str(data.get("assertion", ""))[:20_000])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
