"""Sign-in, sign-out and failures into the security log (ASVS 7.1, 7.2.1).

Django's own signals are the one place every sign-in path (staff page, admin page, test
client) passes through; the receivers only record, they decide nothing.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from putright.accounts import constants, lockout
from putright.core.clock import now
from putright.core.security import Kind, client_ip, security_event_record


@receiver(user_logged_in, dispatch_uid="putright_signed_in")
def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp = now().isoformat()
        request.session[constants.SESSION_STARTED] = stamp
        request.session[constants.SESSION_LAST_SEEN] = stamp
    security_event_record(kind=Kind.SIGNIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="putright_signed_out")
def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(kind=Kind.SIGNOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="putright_sign_in_failed")
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
    # Django has already replaced the password with asterisks; record only the username.
    username = str(credentials.get("username", ""))
    security_event_record(kind=Kind.SIGNIN_FAILED, request=request, username=username)
    if lockout.username_locked(username) or lockout.ip_locked(client_ip(request)):
        security_event_record(
            kind=Kind.SIGNIN_LOCKED,
            request=request,
            username=username,
            data={"limit": settings.PUTRIGHT_SIGNIN_FAILURE_LIMIT},
        )
