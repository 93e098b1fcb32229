"""Who may read and change reports (the rules every reporting view states and tests)."""

from typing import Any


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_read_reports(user: Any) -> bool:
    """The governing body / MRC (viewer), the complaints officer and administrators."""
    return _active(user) and getattr(user, "role", None) in {"viewer", "officer", "admin"}


def can_edit_reports(user: Any) -> bool:
    """Homes counts, self-assessment answers, learning and Ombudsman records: officer or admin."""
    return _active(user) and getattr(user, "role", None) in {"officer", "admin"}


def can_approve_for_governing_body(user: Any) -> bool:
    """The governing body's approval is recorded by one of its members (viewer) or an admin."""
    return _active(user) and getattr(user, "role", None) in {"viewer", "admin"}
