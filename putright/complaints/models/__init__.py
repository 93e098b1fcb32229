from putright.complaints.models.compensation import CompensationBand
from putright.complaints.models.complaint import (
    Category,
    Complaint,
    ComplaintPoint,
    ReferenceCounter,
)
from putright.complaints.models.decisions import (
    DeadlineRecount,
    Exclusion,
    NonWorkingDay,
    OmbudsmanReferral,
)
from putright.complaints.models.exceptional import ExceptionalPeriod, ExceptionalStatus
from putright.complaints.models.record import Attachment, CaseEvent, Correspondence
from putright.complaints.models.response import (
    Decision,
    OutstandingAction,
    Remedy,
    Response,
    ResponseDraft,
)
from putright.complaints.models.search import CategoryReindex, ComplaintSearch
from putright.complaints.models.stage import Conflict, Extension, Stage
from putright.complaints.models.tally import ComplaintDayTally, OpenTallyRow, StageDayTally

__all__ = [
    "Attachment",
    "CaseEvent",
    "Category",
    "CategoryReindex",
    "CompensationBand",
    "Complaint",
    "ComplaintDayTally",
    "ComplaintPoint",
    "ComplaintSearch",
    "Conflict",
    "Correspondence",
    "DeadlineRecount",
    "Decision",
    "ExceptionalPeriod",
    "ExceptionalStatus",
    "Exclusion",
    "Extension",
    "NonWorkingDay",
    "OmbudsmanReferral",
    "OpenTallyRow",
    "OutstandingAction",
    "ReferenceCounter",
    "Remedy",
    "Response",
    "ResponseDraft",
    "Stage",
    "StageDayTally",
]
