"""The security log and the counters built on it (sign-in lockout, per-IP limits).

Every security-relevant moment is one ``SecurityEvent`` row. Lockout and rate limits count
rows rather than keeping counters of their own, so what the log shows is exactly what was
enforced, and an administrator's unlock is itself an event.
"""

import ipaddress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from putright.core.clock import now
from putright.core.models import SecurityEvent

Kind = SecurityEvent.Kind


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, for the security log, the sign-in lockout and the
    per-address limits (portal sign-in, the public form).

    REMOTE_ADDR by default: X-Forwarded-For is set by whoever sends the request, so a client
    could rotate it to dodge every limit. Behind reverse proxies, PUTRIGHT_TRUSTED_PROXY_HOPS
    says how many there are (1 by default when PUTRIGHT_BEHIND_TLS_PROXY is on); each appends
    the address it saw, so the client is the entry that many from the right. Entries further
    left are the client's own claims and are never used.
    """
    if request is None:
        return None
    hops = getattr(settings, "PUTRIGHT_TRUSTED_PROXY_HOPS", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded.strip():
        entries = [entry.strip() for entry in forwarded.split(",")]
        address = entries[-min(hops, len(entries))]
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            pass  # not an address (the log's column holds addresses only): the proxy's own
    return request.META.get("REMOTE_ADDR") or None


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Write one line of the security log."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        at=now(),
        kind=kind,
        user=user,
        username=username.strip().lower()[:150],
        ip=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        data=data or {},
    )


def since(*, window_minutes: int) -> Any:
    return now() - timedelta(minutes=window_minutes)


def failures_for_username(username: str, *, window_minutes: int) -> int:
    """Failed sign-ins for this username in the window, since it last signed in or was
    unlocked."""
    username = username.strip().lower()
    start = since(window_minutes=window_minutes)
    reset = (
        SecurityEvent.objects.filter(
            username=username, kind__in=[Kind.SIGNIN, Kind.SIGNIN_UNLOCKED], at__gte=start
        )
        .order_by("-at", "-pk")
        .first()
    )
    failures = SecurityEvent.objects.filter(
        kind=Kind.SIGNIN_FAILED, username=username, at__gte=start
    )
    if reset is not None:
        failures = failures.filter(pk__gt=reset.pk)
    return failures.count()


def failures_from_ip(ip: str | None, *, window_minutes: int) -> int:
    """Failed sign-ins from this address in the window, since an administrator unlocked it."""
    if not ip:
        return 0
    start = since(window_minutes=window_minutes)
    reset = (
        SecurityEvent.objects.filter(kind=Kind.SIGNIN_UNLOCKED, data__ip=ip, at__gte=start)
        .order_by("-at", "-pk")
        .first()
    )
    failures = SecurityEvent.objects.filter(kind=Kind.SIGNIN_FAILED, ip=ip, at__gte=start)
    if reset is not None:
        failures = failures.filter(pk__gt=reset.pk)
    return failures.count()


def events_from_ip(kind: str, ip: str | None, *, window_minutes: int) -> int:
    """How many events of this kind came from this address in the window (rate limits)."""
    if not ip:
        return 0
    return SecurityEvent.objects.filter(
        kind=kind, ip=ip, at__gte=since(window_minutes=window_minutes)
    ).count()


def over_limit(
    *, request: HttpRequest, kind: str, limited_kind: str, limit: int, window_minutes: int
) -> bool:
    """Count this request against its address's limit: True (and a `limited_kind` line in the
    log) once the address has made `limit` requests of this kind in the window; otherwise
    the request is recorded as `kind` and may go ahead."""
    ip = client_ip(request)
    if events_from_ip(kind, ip, window_minutes=window_minutes) >= limit:
        security_event_record(kind=limited_kind, request=request, data={"limit": limit})
        return True
    security_event_record(kind=kind, request=request)
    return False
