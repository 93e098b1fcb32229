"""The compensation schedule page: the officer reads and edits the bands (policy 6.5)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from putright.complaints.compensation import schedule_on
from putright.complaints.forms.compensation import CompensationBandForm
from putright.complaints.models import CompensationBand
from putright.complaints.services.compensation import compensation_band_save
from putright.core.clock import today
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.VIEW_CASES, unsafe=Action.EDIT_COMPENSATION_SCHEDULE)
def compensation_schedule(request: HttpRequest) -> HttpResponse:
    """The schedule in force, and a form to add or change one line (from today)."""
    lines = schedule_on(today())
    editing = next((b for b in lines if b.code == request.GET.get("line")), None)
    initial = {}
    if editing is not None:
        initial = {
            f: getattr(editing, f)
            for f in ("code", "label", "unit", "low", "high", "proposed", "guidance")
        }
    form = CompensationBandForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                compensation_band_save(actor=request.user, **d)
            except ComplaintError as exc:
                error_into_form(form, exc)
            else:
                messages.success(request, "Compensation schedule updated from today.")
                return redirect("complaints:compensation_schedule")
        status = 400
    return render(
        request,
        "complaints/compensation_schedule.html",
        {
            "lines": lines,
            "form": form,
            "editing": editing,
            "history": CompensationBand.objects.filter(code=editing.code) if editing else [],
            "can_edit_schedule": allowed(request.user, Action.EDIT_COMPENSATION_SCHEDULE),
        },
        status=status,
    )
