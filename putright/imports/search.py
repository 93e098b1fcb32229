"""Search finds an imported complaint by the old system's reference too."""

from putright.complaints.hooks import register_other_references
from putright.imports.models import ImportedComplaint


@register_other_references
def old_references(complaint_ids: list[int]) -> dict[int, list[str]]:
    rows = ImportedComplaint.objects.filter(complaint_id__in=complaint_ids).values_list(
        "complaint_id", "legacy_reference"
    )
    return {complaint_id: [reference] for complaint_id, reference in rows}
