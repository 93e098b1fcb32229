"""The resident portal: sign in by emailed link, see your own complaints, add information,
ask for stage 2 with one action and no reason (Code 6.12).

Access rests only on the portal principal in the session (never a staff user): every view
goes through `portal_required`, and every complaint lookup through the portal selectors.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.complaints import services as complaint_services
from putright.complaints.calendar import landlord_history
from putright.complaints.constants import Channel, Direction
from putright.complaints.deadlines import stage_clocks
from putright.complaints.models import Attachment, Complaint
from putright.core import security
from putright.core.clock import now
from putright.core.errors import ComplaintError
from putright.core.profile import profile_code
from putright.intake.constants import IntakeChannel
from putright.intake.services.items import item_filed_already
from putright.intake.services.notify import process_context
from putright.portal import selectors, services
from putright.portal.services import Principal
from putright.rules.profile import get_profile
from putright.rules.workflow import Action

PORTAL_STATUS = {
    "received": "Received – we will contact you to confirm what your complaint is about",
    "excluded": "Not taken forward – see our letter for the reasons",
    "stage1_open": "Stage 1 – we are looking into your complaint",
    "stage1_responded": "Stage 1 – we have sent our response",
    "stage2_requested": "Stage 2 requested – we will contact you to confirm what we will review",
    "stage2_open": "Stage 2 – we are reviewing your complaint",
    "stage2_responded": "Stage 2 – we have sent our final response",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}
TOO_MANY_REQUESTS = (
    "Too many sign-in links have been asked for from your connection. Try again in an hour, "
    "or contact us by phone or email."
)
ADD_INFO_EMPTY = "Enter the information you want to add, or choose a file."


def _context(request: HttpRequest, **extra) -> dict:
    return {
        **process_context(profile_code()),
        "principal": getattr(request, "portal_principal", None),
        **extra,
    }


def portal_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        principal = services.from_session(request.session.get(services.SESSION_KEY))
        if principal is None:
            request.session.pop(services.SESSION_KEY, None)
            return redirect("portal:home")
        request.portal_principal = principal
        return view(request, *args, **kwargs)

    return wrapped


def _complaint_or_404(principal: Principal, reference: str) -> Complaint:
    try:
        return selectors.portal_complaint(principal, reference)
    except Complaint.DoesNotExist:
        raise Http404("No such complaint.") from None


def can_escalate(complaint: Complaint) -> bool:
    return Action.ESCALATE in complaint.allowed_actions


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Signed in: your complaints. Otherwise: ask for a sign-in link."""
    principal = services.from_session(request.session.get(services.SESSION_KEY))
    if principal is not None:
        request.portal_principal = principal
        complaints = list(selectors.visible_complaints(principal))
        return render(
            request,
            "portal/complaints.html",
            _context(request, complaints=complaints, labels=PORTAL_STATUS),
        )
    error = ""
    status = 200
    if request.method == "POST" and security.over_limit(
        request=request,
        kind=security.Kind.PORTAL_LINK_REQUESTED,
        limited_kind=security.Kind.PORTAL_LIMITED,
        limit=settings.PUTRIGHT_PORTAL_SIGNIN_PER_IP_PER_HOUR,
        window_minutes=60,
    ):
        error, status = TOO_MANY_REQUESTS, 429
    elif request.method == "POST":
        try:
            services.sign_in_link_request(
                email=request.POST.get("email", ""), base_url=request.build_absolute_uri("/")
            )
        except ComplaintError as exc:
            error, status = exc.message, 400
        else:
            return render(request, "portal/check_email.html", _context(request))
    return render(
        request,
        "portal/sign_in.html",
        _context(request, error=error, email=request.POST.get("email", "")),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST uses the link, so mail scanners that open links
    do not use it up."""
    if request.method == "POST":
        try:
            principal = services.sign_in_link_redeem(token=token)
        except ComplaintError as exc:
            return render(
                request,
                "portal/link_problem.html",
                _context(request, error=exc.message),
                status=400,
            )
        # A fresh session: nothing from before (a staff login included) survives.
        request.session.flush()
        request.session[services.SESSION_KEY] = services.to_session(principal)
        request.session.set_expiry(services.SESSION_AGE_SECONDS)
        return redirect("portal:home")
    return render(request, "portal/redeem.html", _context(request))


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return render(request, "portal/signed_out.html", _context(request))


@portal_required
@require_http_methods(["GET"])
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    principal = request.portal_principal
    complaint = _complaint_or_404(principal, reference)
    profile = get_profile(complaint.profile_code)
    history = landlord_history()
    today = timezone.localdate()
    clocks = [
        (
            stage,
            stage_clocks(stage, state=complaint.state, on=today, history=history, profile=profile),
        )
        for stage in complaint.stages.all()
    ]
    return render(
        request,
        "portal/complaint.html",
        _context(
            request,
            complaint=complaint,
            status_label=PORTAL_STATUS.get(complaint.status, complaint.get_status_display()),
            clocks=clocks,
            letters=complaint.letters_sent,
            follow_ups=_follow_ups(complaint, today),
            can_escalate=can_escalate(complaint),
            added=request.GET.get("added"),
        ),
    )


# The resident's words for where a promise stands; colour repeats the words (WCAG 1.4.1).
def _follow_ups(complaint: Complaint, today: Any) -> list[tuple[Any, str, str]]:
    """Every remedy and outstanding action, with where it stands, in the order they fall due."""
    items = [*complaint.remedies.all(), *complaint.outstanding_actions.all()]
    rows = []
    for item in sorted(items, key=lambda i: i.due_on):
        if item.completed_on:
            rows.append((item, "Done", "govuk-tag--green"))
        elif item.due_on < today:
            rows.append((item, "Late: we are chasing it", "govuk-tag--red"))
        else:
            rows.append((item, "To do", "govuk-tag--blue"))
    return rows


@portal_required
@require_http_methods(["POST"])
def add_information(request: HttpRequest, reference: str) -> HttpResponse:
    principal = request.portal_principal
    complaint = _complaint_or_404(principal, reference)
    text = request.POST.get("information", "").strip()
    files = request.FILES.getlist("files")
    error = ""
    if not text and not files:
        error = ADD_INFO_EMPTY
    else:
        try:
            with transaction.atomic():
                complaint_services.correspondence_add(
                    complaint=complaint,
                    direction=Direction.INCOMING,
                    channel=Channel.PORTAL,
                    counterpart=principal.name,
                    subject="Information added in the resident portal",
                    body=text,
                    files=files,
                    actor=None,
                    actor_label=principal.label,
                )
                # Signed in as the resident (or their representative), so it joins the case;
                # it is in the intake inbox too, where the assistant can flag dissatisfaction.
                item_filed_already(
                    channel=IntakeChannel.PORTAL,
                    complaint=complaint,
                    body=text,
                    sender_name=principal.name,
                    received_at=now(),
                )
        except ComplaintError as exc:
            error = exc.message
    if error:
        return render(
            request,
            "portal/add_problem.html",
            _context(request, complaint=complaint, error=error, information=text),
            status=400,
        )
    return redirect(f"/portal/complaints/{complaint.reference}/?added=1")


@portal_required
@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for stage 2: one button, no reason asked for (Code 6.12)."""
    principal = request.portal_principal
    complaint = _complaint_or_404(principal, reference)
    if not can_escalate(complaint):
        return render(
            request,
            "portal/cannot_escalate.html",
            _context(request, complaint=complaint),
            status=409,
        )
    if request.method == "POST":
        try:
            stage = complaint_services.complaint_escalate(
                complaint=complaint, actor=None, actor_label=principal.label
            )
        except ComplaintError as exc:
            return render(
                request,
                "portal/cannot_escalate.html",
                _context(request, complaint=complaint, error=exc.message),
                status=409,
            )
        return render(
            request, "portal/escalated.html", _context(request, complaint=complaint, stage=stage)
        )
    return render(request, "portal/escalate.html", _context(request, complaint=complaint))


@portal_required
@require_http_methods(["GET"])
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.portal_attachment(request.portal_principal, pk)
    except Attachment.DoesNotExist:
        raise Http404("No such document.") from None
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
