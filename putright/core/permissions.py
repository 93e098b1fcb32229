"""Who may do what: ONE table of (role, action) -> allowed, read by every view, API and service.

Pages use ``@permission_required_for(Action.X)`` (anonymous visitors are sent to sign in, staff
without the permission get a 403); the API uses ``HasAction(Action.X)``; services and templates
ask ``allowed(user, Action.X)``. To change who may do something, change ``MATRIX`` – nowhere else.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission


class Role(models.TextChoices):
    """A member of staff's one role (``User.Role`` is this class)."""

    HANDLER = "handler", "Complaint handler"
    OFFICER = "officer", "Complaints officer"
    # Code 9.2-9.5: the senior lead answers for complaints in the organisation; the governing
    # body reads the figures and approves; one of its members is the Member Responsible for
    # Complaints (MRC, 9.5), who must be designated (at most one active at a time).
    SENIOR_LEAD = "senior_lead", "Senior lead for complaints"
    GOVERNING_BODY = "governing_body", "Governing body member"
    MRC = "mrc", "Member Responsible for Complaints (governing body)"
    ADMIN = "admin", "Administrator"


class Action(StrEnum):
    """Something a member of staff may be allowed to do."""

    VIEW_CASES = "view_cases"  # read the queue, cases, people, intake, letters
    WORK_CASES = "work_cases"  # change cases, people and intake records
    ASSIGN = "assign"  # allocate a stage to a handler
    REVIEW_RESPONSES = "review_responses"  # draft, approve or return a response (policy 6.4)
    MANAGE_LETTERS = "manage_letters"  # retry a failed delivery, mark a letter as posted
    EDIT_LETTER_TEMPLATES = "edit_letter_templates"  # change the wording of a kind of letter
    # the compensation schedule's bands (policy 6.5, Code 7.4)
    EDIT_COMPENSATION_SCHEDULE = "edit_compensation_schedule"
    READ_REPORTS = "read_reports"  # TSM, self-assessment, annual report, MRC, learning
    EDIT_REPORTS = "edit_reports"  # homes counts, self-assessment answers, learning, Ombudsman
    READ_OMBUDSMAN = "read_ombudsman"  # the Ombudsman's casework on named complaints
    APPROVE_FOR_GOVERNING_BODY = "approve_for_governing_body"  # approve; write its 8.2 response
    DECLARE_EXCEPTIONAL = "declare_exceptional"  # declare or end exceptional circumstances (8.5)
    APPROVE_EXCEPTIONAL = "approve_exceptional"  # approve or refuse such a period (senior lead)
    RECORD_HAZARDS = "record_hazards"  # raise a hazard report, record its steps (Awaab's Law)
    IMPORT = "import"  # load a register from another system (rewrites the record)
    RUN_INSTALLATION = "run_installation"  # scheduled jobs and other installation pages
    MANAGE_OWN_SIGN_IN = "manage_own_sign_in"  # own two-step verification and API tokens
    READ_SECURITY_LOG = "read_security_log"  # sign-ins, failures, refusals (ASVS V7)
    UNLOCK_SIGN_IN = "unlock_sign_in"  # lift a sign-in lockout (ASVS V2.2)
    MANAGE_RESIDENTS_DATA = "manage_residents_data"  # UK GDPR: subject access, erasure, audit
    RECOGNISE = "recognise"  # ask the recognition assistant whether a message is a complaint
    MERGE_RESIDENTS = "merge_residents"  # merge a duplicate resident record, or reverse it


HANDLER, OFFICER, ADMIN = Role.HANDLER, Role.OFFICER, Role.ADMIN
SENIOR_LEAD, GOVERNING_BODY, MRC = Role.SENIOR_LEAD, Role.GOVERNING_BODY, Role.MRC
# Read-only roles: they see the service but never change a case.
OVERSIGHT = frozenset({SENIOR_LEAD, GOVERNING_BODY, MRC})

# The table. A role not listed for an action may not do it.
MATRIX: dict[Action, frozenset[Role]] = {
    Action.VIEW_CASES: frozenset({HANDLER, OFFICER, ADMIN, *OVERSIGHT}),
    Action.WORK_CASES: frozenset({HANDLER, OFFICER, ADMIN}),
    Action.ASSIGN: frozenset({OFFICER, ADMIN}),
    Action.REVIEW_RESPONSES: frozenset({HANDLER, OFFICER, ADMIN}),
    Action.MANAGE_LETTERS: frozenset({HANDLER, OFFICER, ADMIN}),
    Action.EDIT_LETTER_TEMPLATES: frozenset({ADMIN}),
    Action.EDIT_COMPENSATION_SCHEDULE: frozenset({OFFICER, ADMIN}),
    Action.READ_REPORTS: frozenset({OFFICER, ADMIN, *OVERSIGHT}),
    Action.EDIT_REPORTS: frozenset({OFFICER, ADMIN}),
    # The MRC (9.5) and the senior lead follow each Ombudsman case; the wider board reads the
    # reports' summary of them.
    Action.READ_OMBUDSMAN: frozenset({OFFICER, ADMIN, SENIOR_LEAD, MRC}),
    Action.APPROVE_FOR_GOVERNING_BODY: frozenset({GOVERNING_BODY, MRC, ADMIN}),
    Action.DECLARE_EXCEPTIONAL: frozenset({OFFICER, ADMIN}),
    Action.APPROVE_EXCEPTIONAL: frozenset({SENIOR_LEAD, ADMIN}),
    Action.IMPORT: frozenset({OFFICER, ADMIN}),
    Action.RECORD_HAZARDS: frozenset({HANDLER, OFFICER, ADMIN}),
    Action.RUN_INSTALLATION: frozenset({ADMIN}),
    Action.MANAGE_OWN_SIGN_IN: frozenset({HANDLER, OFFICER, ADMIN, *OVERSIGHT}),
    Action.READ_SECURITY_LOG: frozenset({ADMIN}),
    Action.UNLOCK_SIGN_IN: frozenset({ADMIN}),
    Action.MANAGE_RESIDENTS_DATA: frozenset({ADMIN}),
    # The roles that decide what an incoming message is (Code 1.2–1.6). Not the read-only
    # role: it triages nothing, so it has no reason to send residents' words to the tool.
    Action.RECOGNISE: frozenset({HANDLER, OFFICER, ADMIN}),
    # Officers oversee the records; a handler who spots a duplicate asks one (it moves cases).
    Action.MERGE_RESIDENTS: frozenset({OFFICER, ADMIN}),
}

# A Django superuser may also do these whatever their role (``createsuperuser`` makes a handler,
# who must still be able to fix a letter template).
SUPERUSER_ALSO: frozenset[Action] = frozenset(
    {
        Action.EDIT_LETTER_TEMPLATES,
        Action.RUN_INSTALLATION,
        Action.READ_SECURITY_LOG,
        Action.UNLOCK_SIGN_IN,
    }
)

# Why a signed-in member of staff was refused, where a page says more than "403".
DENIED: dict[Action, str] = {
    Action.WORK_CASES: "Your role is read-only: you can look but not change anything.",
    Action.ASSIGN: "Only a complaints officer or an administrator can assign a complaint.",
    Action.IMPORT: "Only a complaints officer or an administrator can import.",
    Action.EDIT_COMPENSATION_SCHEDULE: (
        "Only a complaints officer or an administrator can change the compensation schedule."
    ),
    Action.RECORD_HAZARDS: "Your role is read-only: you can see hazard clocks but not record steps.",
    Action.APPROVE_FOR_GOVERNING_BODY: (
        "Only a governing body member (or an administrator) can write or approve this."
    ),
    Action.DECLARE_EXCEPTIONAL: (
        "Only a complaints officer or an administrator can declare exceptional circumstances."
    ),
    Action.APPROVE_EXCEPTIONAL: (
        "Only the senior lead for complaints (or an administrator) can approve this."
    ),
    Action.RUN_INSTALLATION: "Only an administrator can see the scheduled jobs.",
    Action.READ_SECURITY_LOG: "Only an administrator can read the security log.",
    Action.UNLOCK_SIGN_IN: "Only an administrator can unlock a sign-in.",
    Action.MANAGE_RESIDENTS_DATA: "Only an administrator can act on residents' data rights.",
    Action.RECOGNISE: "Your role is read-only: only staff who triage messages can ask the "
    "recognition assistant.",
    Action.MERGE_RESIDENTS: "Only a complaints officer or an administrator can merge residents.",
}


def _record_refusal(request: Any, action: Action) -> None:
    """Every refusal goes in the security log (ASVS V7.2.2)."""
    # Imported here: this module is loaded while the user model is, before apps are ready.
    from putright.core.security import Kind, security_event_record

    if getattr(request.user, "pk", None) is None:  # an unsaved user: nothing to log against
        return
    security_event_record(
        kind=Kind.PERMISSION_DENIED,
        request=request,
        user=request.user,
        data={"action": action.value, "method": request.method},
    )


def role_may(role: str, action: Action) -> bool:
    """Whether the role may do the action, by the table alone."""
    return role in MATRIX[action]


def allowed(user: Any, action: Action) -> bool:
    """Whether this user (signed in and active) may do the action."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action in SUPERUSER_ALSO and getattr(user, "is_superuser", False):
        return True
    return role_may(getattr(user, "role", ""), action)


# Requests that only read; anything else on a page with ``unsafe=`` needs that action too.
READ_METHODS = frozenset({"GET", "HEAD"})

View = Callable[..., HttpResponse]


def permission_required_for(
    action: Action, *, unsafe: Action | None = None
) -> Callable[[View], View]:
    """Decorate a page: anonymous -> sign in; lacking `action` -> 403. With `unsafe`, a request
    that is not GET/HEAD also needs that action (read for every role, write for some).

    The view records what it requires (``permission_action``, ``permission_unsafe``) so a test
    can walk the URL patterns and check every page states its rule.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Imported here: auth's views load the user model, which imports this module.
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, action):
                _record_refusal(request, action)
                raise PermissionDenied(DENIED.get(action, ""))
            if (
                unsafe is not None
                and request.method not in READ_METHODS
                and not allowed(request.user, unsafe)
            ):
                _record_refusal(request, unsafe)
                raise PermissionDenied(DENIED.get(unsafe, ""))
            return view(request, *args, **kwargs)

        wrapped.permission_action = action  # type: ignore[attr-defined]
        wrapped.permission_unsafe = unsafe  # type: ignore[attr-defined]
        wrapped.permission_rule = f"can_{action.value}"  # type: ignore[attr-defined]
        return wrapped

    return decorator


def HasAction(
    action: Action, *, unsafe: Action | None = None, message: str = ""
) -> type[BasePermission]:
    """A DRF permission class reading the table: `action` for every request; with `unsafe`,
    requests other than GET/HEAD/OPTIONS also need that action."""

    class _HasAction(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            needed = action
            if unsafe is not None and request.method not in SAFE_METHODS:
                needed = unsafe
            if allowed(request.user, needed):
                return True
            if request.user is not None and request.user.is_authenticated:
                _record_refusal(request, needed)
            return False

    _HasAction.message = (
        message
        or DENIED.get(unsafe or action)
        or (  # type: ignore[assignment]
            "You do not have permission to perform this action."
        )
    )
    _HasAction.__name__ = _HasAction.__qualname__ = f"HasAction_{action.value}"
    _HasAction.action = action  # type: ignore[attr-defined]
    _HasAction.unsafe = unsafe  # type: ignore[attr-defined]
    return _HasAction


def view_permission(view: Callable[..., Any]) -> tuple[Action, Action | None] | None:
    """What a view decorated with ``permission_required_for`` requires: (action, unsafe action),
    or None if it states no rule. The hook for a test that walks every URL pattern."""
    action = getattr(view, "permission_action", None)
    if action is None:
        return None
    return action, getattr(view, "permission_unsafe", None)


def api_permission(view: Callable[..., Any]) -> tuple[Action, Action | None] | None:
    """What an API route (a DRF view or viewset action, as routed) requires: the
    ``HasAction`` among its permission classes, the action's own classes first. None if it
    states no rule from the table."""
    cls = getattr(view, "cls", None)
    if cls is None:
        return None
    classes = (getattr(view, "initkwargs", None) or {}).get("permission_classes")
    for permission in classes or cls.permission_classes:
        action = getattr(permission, "action", None)
        if action is not None:
            return action, getattr(permission, "unsafe", None)
    return None


# Staff pages that every member of staff may read and case workers may change (people, intake).
staff_view = permission_required_for(Action.VIEW_CASES, unsafe=Action.WORK_CASES)
