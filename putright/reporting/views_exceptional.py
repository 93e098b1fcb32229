"""Exceptional circumstances pages at /reports/exceptional/ (Code 8.5).

Reading needs `read_reports`; declaring, ending and recording the Ombudsman notification need
`declare_exceptional` (officer, admin); approving or refusing needs `approve_exceptional`
(the senior lead, admin). The services check the same rules again.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from putright.complaints import selectors as complaint_selectors
from putright.complaints.models import ExceptionalPeriod
from putright.complaints.services import exceptional as services
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for
from putright.reporting import documents, exports
from putright.reporting.forms import (
    ExceptionalDecisionForm,
    ExceptionalDeclareForm,
    ExceptionalEndForm,
    ExceptionalNotifiedForm,
)

reader_declarer = permission_required_for(Action.READ_REPORTS, unsafe=Action.DECLARE_EXCEPTIONAL)
reader = permission_required_for(Action.READ_REPORTS)
declarer = permission_required_for(Action.DECLARE_EXCEPTIONAL)
approver = permission_required_for(Action.APPROVE_EXCEPTIONAL)


def _period_or_404(pk: int) -> ExceptionalPeriod:
    return _progress(pk).period


def _progress(pk: int) -> complaint_selectors.ExceptionalProgress:
    # A landlord declares a handful of periods in its life: the list is the lookup.
    for progress in complaint_selectors.exceptional_periods():
        if progress.period.pk == pk:
            return progress
    raise Http404("No such period.")


@reader_declarer
@require_http_methods(["GET", "POST"])
def exceptional_list(request: HttpRequest) -> HttpResponse:
    form = ExceptionalDeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.exceptional_declare(**form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:exceptional", pk=period.pk)
    return render(
        request,
        "reporting/exceptional_list.html",
        {
            "form": form,
            "periods": complaint_selectors.exceptional_periods(),
            "can_declare": allowed(request.user, Action.DECLARE_EXCEPTIONAL),
        },
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, pk: int, status: int = 200, **forms: object) -> HttpResponse:
    progress = _progress(pk)
    context = {
        "progress": progress,
        "period": progress.period,
        "history": complaint_selectors.exceptional_history(progress.period),
        "decision_form": forms.get("decision_form") or ExceptionalDecisionForm(),
        "end_form": forms.get("end_form")
        or ExceptionalEndForm(initial={"ended_on": timezone.localdate()}),
        "notified_form": forms.get("notified_form")
        or ExceptionalNotifiedForm(initial={"notified_on": timezone.localdate()}),
        "can_declare": allowed(request.user, Action.DECLARE_EXCEPTIONAL),
        "can_approve": allowed(request.user, Action.APPROVE_EXCEPTIONAL),
    }
    return render(request, "reporting/exceptional.html", context, status=status)


@reader
def exceptional(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@approver
@require_POST
def exceptional_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    period = _period_or_404(pk)
    form = ExceptionalDecisionForm(request.POST)
    if decision not in ("approve", "refuse"):
        raise Http404("Approve or refuse.")
    if form.is_valid():
        act = services.exceptional_approve if decision == "approve" else services.exceptional_refuse
        try:
            act(period=period, note=form.cleaned_data["note"], actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:exceptional", pk=pk)
    return _detail(request, pk, status=400, decision_form=form)


@declarer
@require_POST
def exceptional_end(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_or_404(pk)
    form = ExceptionalEndForm(request.POST)
    if form.is_valid():
        try:
            services.exceptional_end(period=period, **form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:exceptional", pk=pk)
    return _detail(request, pk, status=400, end_form=form)


@declarer
@require_POST
def exceptional_notified(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_or_404(pk)
    form = ExceptionalNotifiedForm(request.POST)
    if form.is_valid():
        try:
            services.exceptional_ombudsman_notified(
                period=period, **form.cleaned_data, actor=request.user
            )
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:exceptional", pk=pk)
    return _detail(request, pk, status=400, notified_form=form)


@reader
def exceptional_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """The notification to the Ombudsman, prepared as a document (Code 8.5)."""
    progress = _progress(pk)
    content = exports.pdf(
        "reporting/pdf/exceptional_notification.html",
        {
            "progress": progress,
            "period": progress.period,
            "landlord": documents.landlord_name(),
            "prepared_on": timezone.localdate(),
        },
    )
    response = HttpResponse(content, content_type=exports.PDF_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="exceptional-circumstances-{pk}-ombudsman-notification.pdf"'
    )
    return response
