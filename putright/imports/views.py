"""The import page: upload, results, templates. Complaints officers and administrators only."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from putright.core.permissions import Action, permission_required_for
from putright.imports.forms import ImportForm
from putright.imports.models import ImportBatch
from putright.imports.services import import_queue
from putright.imports.templates_files import csv_template, xlsx_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_BATCHES = 20


# Importing rewrites the register: complaints officers and administrators only.
officer_only = permission_required_for(Action.IMPORT)


@officer_only
@require_http_methods(["GET", "POST"])
def upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        queued = import_queue(
            data=upload_file.read(),
            file_name=upload_file.name,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
        return redirect("imports:batch", pk=queued.pk)
    batches = ImportBatch.objects.select_related("run_by").defer("upload", "issues", "outcomes")[
        :RECENT_BATCHES
    ]
    return render(request, "imports/upload.html", {"form": form, "batches": batches})


@officer_only
@require_GET
def batch(request, pk: int):
    found = get_object_or_404(ImportBatch.objects.select_related("run_by").defer("upload"), pk=pk)
    running = found.status in {ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING}
    context = {"batch": found, "running": running, "rows_done": found.data_rows_done}
    return render(request, "imports/batch.html", context)


@officer_only
@require_GET
def template_csv(request):
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="putright-import-template.csv"'
    return response


@officer_only
@require_GET
def template_xlsx(request):
    response = HttpResponse(xlsx_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="putright-import-template.xlsx"'
    return response
