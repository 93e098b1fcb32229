"""The complaint lifecycle: one service per state change, each writing a case-record event."""

from putright.complaints.services.intake import (
    AddPointsResult,
    ReceiveResult,
    complaint_add_points,
    complaint_exclude,
    complaint_receive,
    complaint_reinstate,
)
from putright.complaints.services.record import (
    action_complete,
    attachment_add,
    complaint_close,
    complaint_withdraw,
    correspondence_add,
    note_add,
    ombudsman_outcome_record,
    ombudsman_referral_record,
    record_correct,
    remedy_complete,
)
from putright.complaints.services.review import (
    response_draft_approve,
    response_draft_input,
    response_draft_return,
    response_draft_submit,
)
from putright.complaints.services.stages import (
    ActionInput,
    DecisionInput,
    RemedyInput,
    ResponseInput,
    complaint_escalate,
    stage_acknowledge,
    stage_assign,
    stage_extend,
    stage_respond,
)
from putright.complaints.services.updates import action_update_send, stage_update_send

__all__ = [
    "ActionInput",
    "AddPointsResult",
    "DecisionInput",
    "ReceiveResult",
    "RemedyInput",
    "ResponseInput",
    "action_complete",
    "action_update_send",
    "attachment_add",
    "complaint_add_points",
    "complaint_close",
    "complaint_escalate",
    "complaint_exclude",
    "complaint_receive",
    "complaint_reinstate",
    "complaint_withdraw",
    "correspondence_add",
    "note_add",
    "ombudsman_outcome_record",
    "ombudsman_referral_record",
    "record_correct",
    "remedy_complete",
    "response_draft_approve",
    "response_draft_input",
    "response_draft_return",
    "response_draft_submit",
    "stage_acknowledge",
    "stage_assign",
    "stage_extend",
    "stage_respond",
    "stage_update_send",
]
