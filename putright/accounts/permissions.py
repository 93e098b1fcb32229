"""Named questions about a user, each one line of the permission matrix in
``putright.core.permissions`` (the only place that says which role may do what)."""

from typing import Any

from putright.core.permissions import Action, HasAction, allowed


def can_view_cases(user: Any) -> bool:
    """Every active member of staff may read cases, including the read-only viewer role."""
    return allowed(user, Action.VIEW_CASES)


def can_work_cases(user: Any) -> bool:
    """Handlers, officers and administrators may change cases; viewers may only read."""
    return allowed(user, Action.WORK_CASES)


def can_manage(user: Any) -> bool:
    """Officers and administrators allocate the work (the matrix's ``assign``)."""
    return allowed(user, Action.ASSIGN)


# Handlers, officers and administrators may write; viewers may only read.
IsCaseWorker = HasAction(
    Action.VIEW_CASES,
    unsafe=Action.WORK_CASES,
    message="Your role is read-only: you can look at cases but not change them.",
)
# Complaints officers and administrators only.
IsOfficer = HasAction(
    Action.ASSIGN, message="Only a complaints officer or an administrator can do this."
)
