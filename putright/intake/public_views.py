"""The public online complaint form at /complain/: question pages, check answers, confirmation.

No login. Answers are kept in the visitor's session between pages; documents are added on
the check-your-answers page so they are never held half-uploaded.
"""

from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from putright.core.errors import ComplaintError
from putright.core.profile import profile_code
from putright.core.security import client_ip
from putright.intake.forms import STEPS, SubmitForm
from putright.intake.services.notify import process_context
from putright.intake.services.online import MAX_FILES, OnlineComplaint, online_complaint_submit
from putright.people.models import Adjustment, Representative

SESSION_ANSWERS = "complain_answers"
SESSION_DONE = "complain_reference"
STEP_NAMES = [name for name, _ in STEPS]


def _context(**extra) -> dict:
    return {**process_context(profile_code()), **extra}


def _answers(request: HttpRequest) -> dict:
    return request.session.get(SESSION_ANSWERS, {})


def _first_missing(answers: dict) -> str | None:
    for name in STEP_NAMES:
        if name not in answers:
            return name
    return None


@require_http_methods(["GET"])
def start(request: HttpRequest) -> HttpResponse:
    """The start page: what a complaint is, the two stages, the timescales, the Ombudsman."""
    return render(request, "intake/public/start.html", _context())


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, name: str) -> HttpResponse:
    if name not in STEP_NAMES:
        return redirect("complain:start")
    form_class = dict(STEPS)[name]
    answers = _answers(request)
    index = STEP_NAMES.index(name)
    # Question pages are answered in order; jumping ahead goes back to the first gap.
    missing = _first_missing(answers)
    if missing and STEP_NAMES.index(missing) < index:
        return redirect("complain:step", name=missing)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = {
                k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in form.cleaned_data.items()
            }
            answers[name] = data
            request.session[SESSION_ANSWERS] = answers
            if request.GET.get("change") or index == len(STEP_NAMES) - 1:
                return redirect("complain:check")
            return redirect("complain:step", name=STEP_NAMES[index + 1])
    else:
        form = form_class(initial=answers.get(name))
    back = (
        reverse("complain:step", args=[STEP_NAMES[index - 1]])
        if index
        else reverse("complain:start")
    )
    return render(
        request,
        "intake/public/question.html",
        _context(
            form=form,
            step_name=name,
            back_url=back,
            step_number=index + 1,
            step_count=len(STEP_NAMES),
        ),
    )


def _complaint_from(answers: dict) -> OnlineComplaint:
    about, behalf = answers["about-you"], answers["someone-else"]
    what, outcome, contact = answers["what-happened"], answers["put-right"], answers["contact"]
    started = what.get("issue_started_on")
    return OnlineComplaint(
        full_name=about["full_name"],
        email=about.get("email", ""),
        phone=about.get("phone", ""),
        address=about.get("address", ""),
        is_customer=about["is_customer"] == "yes",
        on_behalf=behalf["on_behalf"] == "yes",
        resident_name=behalf.get("resident_name", ""),
        relationship=behalf.get("relationship", ""),
        description=what["description"],
        issue_started_on=date.fromisoformat(started) if started else None,
        spoken_to=what.get("spoken_to", ""),
        outcome_wanted=outcome["outcome_wanted"],
        contact_preference=contact["contact_preference"],
        adjustments=contact.get("adjustments", []),
        adjustment_detail=contact.get("adjustment_detail", ""),
    )


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = _first_missing(answers)
    if missing:
        return redirect("complain:step", name=missing)
    data = _complaint_from(answers)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST)
        form.is_valid()
        files = request.FILES.getlist("files")
        try:
            item = online_complaint_submit(
                data=data,
                files=files,
                client_address=client_ip(request) or "",
                honeypot=form.cleaned_data.get("website_hp", ""),
            )
        except ComplaintError as exc:
            field = exc.field if exc.field == "files" else "submit"
            errors.append((field, exc.message))
            status = 429 if exc.field == "rate_limit" else 400
        else:
            del request.session[SESSION_ANSWERS]
            request.session[SESSION_DONE] = {
                "reference": item.reference,
                "email": data.email,
                "phone": data.phone,
            }
            return redirect("complain:confirmation")
    return render(
        request,
        "intake/public/check.html",
        _context(
            answers=data,
            adjustment_labels=[Adjustment.Kind(k).label for k in data.adjustments],
            relationship_label=dict(Representative.Relationship.choices).get(
                data.relationship, data.relationship
            ),
            errors=errors,
            max_files=MAX_FILES,
            max_mb=settings.PUTRIGHT_MAX_ATTACHMENT_MB,
        ),
        status=status,
    )


@require_http_methods(["GET"])
def confirmation(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SESSION_DONE)
    if not done:
        return redirect("complain:start")
    return render(request, "intake/public/confirmation.html", _context(done=done))
