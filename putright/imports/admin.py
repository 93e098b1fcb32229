"""Django admin: the import map and log are looked at, never edited (imports change them)."""

from django.contrib import admin

from putright.complaints.admin import ReadOnlyAdmin
from putright.imports.models import ImportBatch, ImportedComplaint, ImportedResident


@admin.register(ImportedComplaint)
class ImportedComplaintAdmin(ReadOnlyAdmin):
    list_display = ["legacy_reference", "complaint", "file_name", "row_number", "last_batch"]
    search_fields = ["legacy_reference", "complaint__reference"]
    list_select_related = ["complaint", "last_batch"]
    exclude = ["values"]


@admin.register(ImportedResident)
class ImportedResidentAdmin(ReadOnlyAdmin):
    list_display = ["legacy_id", "resident"]
    search_fields = ["legacy_id", "resident__full_name"]
    list_select_related = ["resident"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "started_at",
        "run_by",
        "status",
        "dry_run",
        "created",
        "updated",
        "unchanged",
        "invalid",
    ]
    list_select_related = ["run_by"]
    exclude = ["upload", "issues", "outcomes"]
