from putright.complaints.models.complaint import (
    Category,
    Complaint,
    ComplaintPoint,
    ReferenceCounter,
)
from putright.complaints.models.decisions import Exclusion, NonWorkingDay, OmbudsmanReferral
from putright.complaints.models.record import Attachment, CaseEvent, Correspondence
from putright.complaints.models.response import (
    Decision,
    OutstandingAction,
    Remedy,
    Response,
    ResponseDraft,
)
from putright.complaints.models.search import ComplaintSearch
from putright.complaints.models.stage import Extension, Stage

__all__ = [
    "Attachment",
    "CaseEvent",
    "Category",
    "Complaint",
    "ComplaintPoint",
    "ComplaintSearch",
    "Correspondence",
    "Decision",
    "Exclusion",
    "Extension",
    "NonWorkingDay",
    "OmbudsmanReferral",
    "OutstandingAction",
    "ReferenceCounter",
    "Remedy",
    "Response",
    "ResponseDraft",
    "Stage",
]
