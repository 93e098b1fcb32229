"""Administrators' pages for residents' data rights: audit log, subject access, erasure."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, permission_required_for
from putright.people.models import Resident
from putright.privacy import export, selectors, services
from putright.privacy.forms import ErasureForm, ReasonForm


@permission_required_for(Action.MANAGE_RESIDENTS_DATA)
@require_http_methods(["GET"])
def privacy_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(
        request,
        "privacy/home.html",
        {
            "q": query,
            "residents": list(selectors.residents_search(query)),
            "entries": list(selectors.audit_entries()[:100]),
            "rules": selectors.retention_rules(),
        },
    )


def _resident_page(request: HttpRequest, resident: Resident, status: int = 200, **forms):
    return render(
        request,
        "privacy/resident.html",
        {
            "resident": resident,
            "anonymised": hasattr(resident, "anonymised"),
            "complaints": list(resident.complaints.order_by("-received_on")),
            "entries": list(selectors.audit_entries(resident_id=resident.pk)),
            "export_form": forms.get("export_form") or ReasonForm(prefix="export"),
            "erase_form": forms.get("erase_form") or ErasureForm(prefix="erase"),
            "problem": forms.get("problem", ""),
        },
        status=status,
    )


@permission_required_for(Action.MANAGE_RESIDENTS_DATA)
@require_http_methods(["GET"])
def resident_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _resident_page(request, get_object_or_404(Resident, pk=pk))


@permission_required_for(Action.MANAGE_RESIDENTS_DATA)
@require_http_methods(["POST"])
def resident_export(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = ReasonForm(request.POST, prefix="export")
    if form.is_valid():
        try:
            result = export.resident_export(
                resident=resident, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ComplaintError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            return FileResponse(result.file, as_attachment=True, filename=result.filename)
    return _resident_page(request, resident, status=400, export_form=form)


@permission_required_for(Action.MANAGE_RESIDENTS_DATA)
@require_http_methods(["POST"])
def resident_erase(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = ErasureForm(request.POST, prefix="erase")
    if form.is_valid():
        try:
            services.resident_erase(
                resident=resident,
                reason=form.cleaned_data["reason"],
                requested_on=form.cleaned_data["requested_on"],
                actor=request.user,
            )
        except services.ErasureRefused as exc:
            # Refused and audited: show the rule, keep the form as it was.
            form.add_error(None, exc.message)
            return _resident_page(request, resident, status=409, erase_form=form)
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("privacy:resident", pk=resident.pk)
    return _resident_page(request, resident, status=400, erase_form=form)
