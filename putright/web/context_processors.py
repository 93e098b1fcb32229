"""What every page needs: the landlord's identity for the theme, and the signed-in role."""

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from putright.accounts.permissions import can_manage, can_view_cases, can_work_cases

# A colour is written into a <style> element, so only a plain hex colour is accepted.
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
FALLBACK_BRAND_COLOUR = "#00703c"


def brand_colour(value: str) -> str:
    """The configured colour if it is a hex colour, else a safe dark green."""
    return value if _HEX_COLOUR.match(value or "") else FALLBACK_BRAND_COLOUR


def landlord(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "landlord_name": settings.PUTRIGHT_LANDLORD_NAME,
        "landlord_logo_url": settings.PUTRIGHT_LOGO_URL,
        "landlord_phone": settings.PUTRIGHT_LANDLORD_PHONE,
        "complaints_email": settings.PUTRIGHT_COMPLAINTS_EMAIL,
        "brand_colour": brand_colour(settings.PUTRIGHT_BRAND_COLOUR),
        "is_staff_member": can_view_cases(user),
        "can_work_cases": can_work_cases(user),
        "can_manage": can_manage(user),
    }
