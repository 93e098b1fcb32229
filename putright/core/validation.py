"""Input checks every service shares; they raise ``InvalidInput`` naming the field."""

from datetime import date

from putright.core.clock import today
from putright.core.errors import InvalidInput

DATE_IN_FUTURE = "The date cannot be in the future."
REQUIRED = "This is required."


def require_text(value: str, field: str, message: str = REQUIRED) -> str:
    """The text without surrounding space, or InvalidInput if nothing is left."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    return value


def require_past_or_today(value: date, field: str) -> date:
    """The date, or InvalidInput if it is after today."""
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value
