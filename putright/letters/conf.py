"""Letters configuration: the landlord's letterhead, the Ombudsman's details, GOV.UK Notify.

Each value can be set in Django settings; the environment variable of the same name is read
otherwise, and the Ombudsman's details default to the Code profile's (the policy seed's).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings

from putright.env import env_bool, env_int, env_str
from putright.rules.profile import CodeProfile


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else env_str(name, default)


def ombudsman_contact(profile: CodeProfile) -> dict[str, str]:
    """The Housing Ombudsman's contact details as printed in letters (Code 2.4, 6.5, 6.16)."""
    default = profile.ombudsman
    return {
        "name": _setting("PUTRIGHT_OMBUDSMAN_NAME", default.name),
        "online_form": _setting("PUTRIGHT_OMBUDSMAN_ONLINE_FORM", default.online_form),
        "phone": _setting("PUTRIGHT_OMBUDSMAN_PHONE", default.phone),
        "email": _setting("PUTRIGHT_OMBUDSMAN_EMAIL", default.email),
        "postal_address": _setting("PUTRIGHT_OMBUDSMAN_POSTAL_ADDRESS", default.postal_address),
    }


def landlord() -> dict[str, Any]:
    """The letterhead: the landlord's name, logo, address and complaints contact details."""
    return {
        "name": settings.PUTRIGHT_LANDLORD_NAME,
        "address": settings.PUTRIGHT_LANDLORD_ADDRESS,
        "phone": settings.PUTRIGHT_LANDLORD_PHONE,
        "complaints_email": settings.PUTRIGHT_COMPLAINTS_EMAIL,
        "logo_url": settings.PUTRIGHT_LOGO_URL,
        "brand_colour": settings.PUTRIGHT_BRAND_COLOUR,
        "signatory": _setting("PUTRIGHT_LETTER_SIGNATORY", "The Complaints Team"),
    }


def notify_api_key() -> str:
    """GOV.UK Notify is used only when an API key is configured."""
    return _setting("PUTRIGHT_NOTIFY_API_KEY", "")


def notify_email_template_id() -> str:
    """A Notify email template with ((subject)) and ((body)) placeholders."""
    return _setting("PUTRIGHT_NOTIFY_EMAIL_TEMPLATE_ID", "")


def letters_automatic() -> bool:
    """Whether lifecycle events produce letters (off while replaying history, say)."""
    value = getattr(settings, "PUTRIGHT_LETTERS_AUTOMATIC", None)
    return bool(value) if value is not None else env_bool("PUTRIGHT_LETTERS_AUTOMATIC", True)


def _seconds(name: str, default: int) -> timedelta:
    value = getattr(settings, name, None)
    return timedelta(seconds=int(value) if value is not None else env_int(name, default, minimum=1))


def send_lease() -> timedelta:
    """How long a worker may take to send one letter before another may try (it must be
    longer than the mail server's timeout, EMAIL_TIMEOUT)."""
    return _seconds("PUTRIGHT_OUTBOX_LEASE_SECONDS", 120)


def recover_after() -> timedelta:
    """How long a letter request or a task may wait before recovery steps in."""
    return _seconds("PUTRIGHT_LETTERS_RECOVER_AFTER_SECONDS", 120)


def recover_every() -> timedelta:
    """How often the task worker runs ``letters_recover`` (besides at start)."""
    return _seconds("PUTRIGHT_LETTERS_RECOVER_EVERY_SECONDS", 60)


# Policy 5.5: a non-customer's complaint is handled the same way, but the Ombudsman may not be
# able to look at it.
NON_CUSTOMER_CAVEAT = (
    "As you are not, and have not been, one of our customers, the Housing Ombudsman may not "
    "be able to look at your complaint, although we handle it in the same way as any other."
)


def building_safety_regulator() -> dict[str, str]:
    """Policy 5.3: residents of higher-risk buildings can take a building safety concern to the
    Building Safety Regulator; the handling of the complaint itself stays with the Ombudsman."""
    return {
        "text": (
            "You live in a higher-risk building. If you are unhappy with how we have dealt with "
            "a concern about the safety of your building, you can refer it to the Building "
            "Safety Regulator, which will investigate the safety aspect. If you are unhappy "
            "with how we handled the complaint itself, you can still go to the Housing "
            "Ombudsman."
        ),
        "contact": _setting("PUTRIGHT_BSR_CONTACT", "www.gov.uk/guidance/the-building-safety-act"),
    }
