"""Search finds an imported complaint by the old system's reference too."""

from putright.complaints.hooks import register_linked_references, register_other_references
from putright.imports.models import ImportedComplaint

# The link seen from the complaint (``complaint.imported_from``): a link made with the
# complaint in memory is cached on it (a one-to-one relation caches both ways).
_LINK = ImportedComplaint._meta.get_field("complaint").remote_field


@register_other_references
def old_references(complaint_ids: list[int]) -> dict[int, list[str]]:
    rows = ImportedComplaint.objects.filter(complaint_id__in=complaint_ids).values_list(
        "complaint_id", "legacy_reference"
    )
    return {complaint_id: [reference] for complaint_id, reference in rows}


@register_linked_references
def linked_old_reference(complaint) -> list[str]:
    """The old reference of a complaint the import has linked but not written yet."""
    link = _LINK.get_cached_value(complaint, default=None)
    return [link.legacy_reference] if link is not None else []
