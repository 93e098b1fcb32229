"""Staff forms: each parses input, calls ONE complaint service and maps its errors to fields.

A case action form is a small class: which workflow action it is, its wording, whether it
needs a confirmation step (irreversible changes), and `run()`, the one service call. One module
per kind of action; ``CASE_ACTIONS`` maps each URL slug to its form.
"""

from putright.complaints.forms.base import CaseActionForm
from putright.complaints.forms.decisions import (
    CloseForm,
    ExcludeForm,
    OmbudsmanOutcomeForm,
    OmbudsmanReferralForm,
    ReinstateForm,
    WithdrawForm,
)
from putright.complaints.forms.log import LogComplaintForm
from putright.complaints.forms.queue import FollowUpFilterForm, QueueFilterForm
from putright.complaints.forms.record import (
    AttachmentForm,
    CompleteActionForm,
    CompleteRemedyForm,
    CorrespondenceForm,
    NoteForm,
    SendActionUpdateForm,
)
from putright.complaints.forms.respond import RespondForm
from putright.complaints.forms.stages import (
    AcknowledgeForm,
    AddPointsForm,
    AssignForm,
    EscalateForm,
    ExtendForm,
    SendUpdateForm,
)

CASE_ACTIONS: dict[str, type[CaseActionForm]] = {
    form.slug: form
    for form in (
        AcknowledgeForm,
        AssignForm,
        ExtendForm,
        SendUpdateForm,
        AddPointsForm,
        EscalateForm,
        CloseForm,
        WithdrawForm,
        ExcludeForm,
        ReinstateForm,
        NoteForm,
        CorrespondenceForm,
        AttachmentForm,
        OmbudsmanReferralForm,
        OmbudsmanOutcomeForm,
        CompleteRemedyForm,
        CompleteActionForm,
        SendActionUpdateForm,
        RespondForm,
    )
}

__all__ = [
    "CASE_ACTIONS",
    "CaseActionForm",
    "FollowUpFilterForm",
    "LogComplaintForm",
    "QueueFilterForm",
]
