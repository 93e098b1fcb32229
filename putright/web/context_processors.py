"""What every page needs: the landlord's identity for the theme, and the signed-in role."""

import re
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse

from putright.core.permissions import Action, allowed, view_permission

# A colour is written into a <style> element, so only a plain hex colour is accepted.
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
FALLBACK_BRAND_COLOUR = "#00703c"
# White header text on the brand colour must reach WCAG AA for normal text (1.4.3).
MIN_CONTRAST_WITH_WHITE = 4.5


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def brand_colour(value: str) -> str:
    """The configured colour if it is a hex colour dark enough for white text, else a safe
    dark green (a pale brand colour would make the header unreadable)."""
    if not _HEX_COLOUR.match(value or ""):
        return FALLBACK_BRAND_COLOUR
    if contrast_with_white(value) < MIN_CONTRAST_WITH_WHITE:
        return FALLBACK_BRAND_COLOUR
    return value


# Other areas' staff pages, linked from the staff menu when their app is installed, for the
# roles the page's own rule (from the permission matrix) lets in: no second list of roles.
STAFF_SECTIONS = (
    ("people:list", "Residents"),
    ("intake:home", "Intake"),
    ("letters:outbox", "Letters"),
    ("hazards:list", "Hazards"),
    ("imports:upload", "Imports"),
    ("privacy:home", "Residents' data"),
)


@cache
def _sections_with_rules() -> tuple[tuple[str, str, Action | None], ...]:
    found = []
    for name, label in STAFF_SECTIONS:
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        rule = view_permission(resolve(href).func)
        found.append((href, label, rule[0] if rule else None))
    return tuple(found)


def staff_sections(user: Any = None) -> list[tuple[str, str]]:
    """The sections `user` may open (every installed one when no user is given)."""
    return [
        (href, label)
        for href, label, action in _sections_with_rules()
        if user is None or (action is not None and allowed(user, action))
    ]


def landlord(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "landlord_name": settings.PUTRIGHT_LANDLORD_NAME,
        "landlord_logo_url": settings.PUTRIGHT_LOGO_URL,
        "landlord_phone": settings.PUTRIGHT_LANDLORD_PHONE,
        "complaints_email": settings.PUTRIGHT_COMPLAINTS_EMAIL,
        "brand_colour": brand_colour(settings.PUTRIGHT_BRAND_COLOUR),
        "is_staff_member": allowed(user, Action.VIEW_CASES),
        "can_work_cases": allowed(user, Action.WORK_CASES),
        "can_manage": allowed(user, Action.ASSIGN),
        "staff_sections": staff_sections(user) if allowed(user, Action.VIEW_CASES) else [],
        "can_read_reports": allowed(user, Action.READ_REPORTS),
        "is_administrator": allowed(user, Action.RUN_INSTALLATION),
        "can_read_security_log": allowed(user, Action.READ_SECURITY_LOG),
    }
