"""Staff pages for hazard reports: the list, raising one, one report with its clocks and steps."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.complaints.models import Complaint
from putright.core import once
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for
from putright.hazards import selectors, services
from putright.hazards.forms import STEP_FORMS, PeriodForm, RaiseForm
from putright.hazards.models import HazardReport
from putright.people.models import Resident
from putright.rules.hazards import vulnerability_prompt

# Every member of staff sees the hazard clocks; recording needs RECORD_HAZARDS.
hazard_view = permission_required_for(Action.VIEW_CASES, unsafe=Action.RECORD_HAZARDS)
COMPLAINT_NOT_FOUND = "No complaint has that reference."
RESIDENT_NOT_FOUND = "That resident no longer exists: start again from their page."


@hazard_view
@require_http_methods(["GET"])
def hazard_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in {"open", "due", "overdue", "all"}:
        show = "open"
    mine = request.GET.get("mine") == "1"
    rows = selectors.hazard_list(show=show, mine=request.user if mine else None)
    return render(
        request,
        "hazards/list.html",
        {
            "rows": rows,
            "show": show,
            "mine": mine,
            "can_record": allowed(request.user, Action.RECORD_HAZARDS),
            "can_read_reports": allowed(request.user, Action.READ_REPORTS),
        },
    )


@permission_required_for(Action.READ_REPORTS)
@require_http_methods(["GET"])
def hazard_compliance(request: HttpRequest) -> HttpResponse:
    """Compliance with each Awaab's Law clock over a period, with drill-down to the reports."""
    today = timezone.localdate()
    default = {"start": today.replace(month=1, day=1), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    rows, drill = [], []
    if not form.is_bound or form.is_valid():
        rows, drill = selectors.compliance(
            start=period["start"],
            end=period["end"],
            clock=request.GET.get("clock", ""),
            bucket=request.GET.get("bucket", ""),
        )
    if not form.is_bound:
        form = PeriodForm(initial=default)
    context = {
        "form": form,
        "rows": rows,
        "drill": drill,
        "period": period,
        "clock": request.GET.get("clock", ""),
        "bucket": request.GET.get("bucket", ""),
    }
    return render(request, "hazards/compliance.html", context, status=400 if form.errors else 200)


@permission_required_for(Action.RECORD_HAZARDS)
@require_http_methods(["GET", "POST"])
def hazard_raise(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, reverse("hazards:list"))
    if request.method == "POST":
        form = RaiseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            complaint = None
            if d["complaint_reference"]:
                complaint = Complaint.objects.filter(
                    reference__iexact=d["complaint_reference"].strip()
                ).first()
                if complaint is None:
                    form.add_error("complaint_reference", COMPLAINT_NOT_FOUND)
            resident = None
            if d.get("resident"):
                resident = Resident.objects.filter(pk=d["resident"]).first()
                if resident is None:
                    form.add_error(None, RESIDENT_NOT_FOUND)
            if not form.errors:
                try:
                    with transaction.atomic(), once.submitted_once(request) as spending:
                        report = services.hazard_report_raise(
                            complaint=complaint,
                            resident=resident,
                            address=d["address"],
                            aware_at=d["aware_at"],
                            source=d["source"],
                            told_by=d["told_by"],
                            hazard=d["hazard"],
                            assessment=d["assessment"],
                            description=d["description"],
                            occupiers=d["occupiers"],
                            vulnerabilities=d["vulnerabilities"],
                            actor=request.user,
                        )
                        spending.result_url = reverse("hazards:detail", args=[report.pk])
                except once.AlreadySubmitted as already:
                    return once.replayed(request, already.result_url, reverse("hazards:list"))
                except ComplaintError as exc:
                    error_into_form(form, exc)
                else:
                    messages.success(request, "Hazard report raised: its clocks are running.")
                    return redirect("hazards:detail", pk=report.pk)
        status = 400
    else:
        initial = {"complaint_reference": request.GET.get("complaint", "")}
        chosen = request.GET.get("resident", "")
        if chosen.isdigit():
            initial["resident"] = int(chosen)
        form = RaiseForm(initial=initial)
        status = 200
    resident_pk = form["resident"].value()
    for_resident = (
        Resident.objects.select_related("home").filter(pk=resident_pk).first()
        if str(resident_pk or "").isdigit()
        else None
    )
    # Shown again with the form when it comes back (the page has no script to show it live);
    # after raising, the report page shows it.
    prompt = vulnerability_prompt(
        str(form["vulnerabilities"].value() or ""), str(form["assessment"].value() or "")
    )
    return render(
        request,
        "hazards/raise.html",
        {"form": form, "for_resident": for_resident, "vulnerability_prompt": prompt},
        status=status,
    )


def _detail(
    request: HttpRequest, report: HazardReport, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    step_forms = []
    still_open = selectors.steps_still_open(report)
    for slug, (title, form_class) in STEP_FORMS.items():
        if bound and bound[0] == slug:
            form = bound[1]
        elif slug in still_open:
            form = form_class(prefix=slug)
        else:
            continue  # already recorded, or not yet possible: the service would refuse it
        step_forms.append({"slug": slug, "title": title, "form": form})
    return {
        "report": report,
        "vulnerability_prompt": selectors.vulnerability_prompt_for(report),
        "clocks": selectors.clocks_for(report),
        "steps": list(report.steps.all()),
        "step_forms": step_forms,
        "bound_form": bound[1] if bound else None,
        "can_record": allowed(request.user, Action.RECORD_HAZARDS),
    }


def _load(pk: int) -> HazardReport:
    try:
        return selectors.report_detail(pk)
    except HazardReport.DoesNotExist:
        raise Http404("No hazard report with that number.") from None


@hazard_view
@require_http_methods(["GET"])
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "hazards/detail.html", _detail(request, _load(pk)))


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


STEP_SERVICES: dict[str, Callable[..., HazardReport]] = {
    "investigation": lambda report, d, actor: services.hazard_investigation_record(
        report=report,
        investigator=d["investigator"],
        concluded_at=d["concluded_at"],
        findings=d["findings"],
        hazard_found=_yes_no(d["hazard_found"]),
        further_work_needed=d["further_work_needed"],
        actor=actor,
    ),
    "summary": lambda report, d, actor: services.hazard_summary_record(
        report=report, sent_on=d["sent_on"], actor=actor
    ),
    "safety_work": lambda report, d, actor: services.hazard_safety_work_record(
        report=report, done_at=d["done_at"], detail=d["detail"], actor=actor
    ),
    "further_work": lambda report, d, actor: services.hazard_further_work_record(
        report=report,
        begun_on=d["begun_on"],
        started_on=d["started_on"],
        detail=d["detail"],
        actor=actor,
    ),
    "accommodation": lambda report, d, actor: services.hazard_accommodation_record(
        report=report, outcome=d["outcome"], at=d["at"], actor=actor
    ),
    "stop": lambda report, d, actor: services.hazard_clock_stop(
        report=report, reason=d["reason"], at=d["at"], steps=d["steps"], actor=actor
    ),
}


@permission_required_for(Action.RECORD_HAZARDS)
@require_http_methods(["POST"])
def hazard_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on a report; errors redisplay the report with that form open."""
    if step not in STEP_FORMS:
        raise Http404("No such step.")
    report = _load(pk)
    detail_url = reverse("hazards:detail", args=[pk])
    if (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, detail_url)
    form = STEP_FORMS[step][1](request.POST, prefix=step)
    if form.is_valid():
        try:
            with transaction.atomic(), once.submitted_once(request) as spending:
                STEP_SERVICES[step](report, form.cleaned_data, request.user)
                spending.result_url = detail_url
        except once.AlreadySubmitted as already:
            return once.replayed(request, already.result_url, detail_url)
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            messages.success(request, f"{STEP_FORMS[step][0].replace('Record', 'Recorded')}.")
            return redirect(detail_url)
    report = _load(pk)
    return render(
        request, "hazards/detail.html", _detail(request, report, (step, form)), status=400
    )
