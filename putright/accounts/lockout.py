"""Sign-in lockout (ASVS 2.2.1): too many failures for a username, or from an address, within
PUTRIGHT_SIGNIN_WINDOW_MINUTES and sign-in is refused, even with the right password."""

from django.conf import settings

from putright.core import security
from putright.core.models import SecurityEvent


def username_locked(username: str) -> bool:
    return (
        security.failures_for_username(
            username, window_minutes=settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES
        )
        >= settings.PUTRIGHT_SIGNIN_FAILURE_LIMIT
    )


def ip_locked(ip: str | None) -> bool:
    return (
        security.failures_from_ip(ip, window_minutes=settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES)
        >= settings.PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT
    )


def locked(*, username: str, ip: str | None) -> bool:
    return username_locked(username) or ip_locked(ip)


def currently_locked() -> tuple[list[str], list[str]]:
    """Usernames and addresses locked now (for the administrators' page)."""
    window = settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES
    recent = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.SIGNIN_FAILED, at__gte=security.since(window_minutes=window)
    )
    usernames = sorted(set(recent.values_list("username", flat=True)))
    ips = sorted({ip for ip in recent.values_list("ip", flat=True) if ip})
    return [u for u in usernames if username_locked(u)], [i for i in ips if ip_locked(i)]
