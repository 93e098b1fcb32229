"""API input and output shapes. Inputs only parse; the services decide."""

import functools
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from putright.complaints.constants import (
    Channel,
    Direction,
    DraftStatus,
    Outcome,
    ReferralOutcome,
    Status,
)
from putright.complaints.deadlines import StageClocks
from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Category,
    Complaint,
    ComplaintPoint,
    Correspondence,
    Exclusion,
    Extension,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    ResponseDraft,
    Stage,
)
from putright.complaints.selectors import KNOWN_RESPONSE_DRAFTS
from putright.core.jsonrows import prepared_first
from putright.people.models import Property, Resident
from putright.rules.clocks import Deadline
from putright.rules.workflow import STATE_LABELS, State

User = get_user_model()

# The stages' clocks while `complaint_document` writes a document (the shared serializers below
# have no per-call context).
DOCUMENT_CLOCKS: ContextVar[dict[int, StageClocks]] = ContextVar("document_clocks")


@functools.cache
def shared(serializer_class: type[serializers.Serializer], *, many: bool = False) -> Any:
    """One instance of a serializer per process, for `to_representation` (output) and
    `run_validation` (input, `api._parse`) only, never `is_valid`/`save`/`.data`, which keep
    the call's data on the instance. DRF builds every field of a serializer (and of each
    nested one) again for each instance: a third of a create's CPU went there. A shared
    instance builds them once, on first use; its fields keep no per-call state (the clocks
    travel in DOCUMENT_CLOCKS, not in a context; input serializers have no context)."""
    return serializer_class(many=many)


# ---------------------------------------------------------------- output


class ClosureSerializer(serializers.Serializer):
    day = serializers.DateField()
    reason = serializers.CharField()
    kind = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    starts = serializers.DateField(allow_null=True)
    limit_working_days = serializers.IntegerField(source="limit")
    original_due = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    working_days_left = serializers.IntegerField(allow_null=True)
    timeliness = serializers.CharField(allow_null=True)
    closures = ClosureSerializer(many=True, help_text="Bank holidays and closures that moved it.")
    cap_due = serializers.DateField(
        allow_null=True, help_text="Latest extended date without a good reason (Code 6.4 / 6.15)."
    )
    due_is_working_day = serializers.BooleanField(
        help_text="False for an (imported) extended date on a weekend, bank holiday or closure."
    )


class ExtensionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "agreed_on",
            "previous_due",
            "new_due",
            "working_days",
            "reason",
            "resident_informed_on",
            "update_interval_days",
            "beyond_cap",
            "good_reason",
            "created_by",
            "created_at",
        ]


class DecisionOutSerializer(serializers.Serializer):
    point = serializers.IntegerField(source="point.number")
    outcome = serializers.CharField()
    reasons = serializers.CharField()


class ResponseOutSerializer(serializers.Serializer):
    issued_on = serializers.DateField()
    summary = serializers.CharField()
    learning = serializers.CharField()
    early_resolution = serializers.BooleanField()
    no_remedy_reason = serializers.CharField()
    author = serializers.CharField(source="author.username")
    decisions = DecisionOutSerializer(many=True)


class StageSerializer(serializers.ModelSerializer):
    handler = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    response = serializers.SerializerMethodField()
    acknowledgement_deadline = serializers.SerializerMethodField()
    response_deadline = serializers.SerializerMethodField()
    clock_running = serializers.SerializerMethodField()

    class Meta:
        model = Stage
        fields = [
            "number",
            "requested_on",
            "ack_due",
            "acknowledged_on",
            "response_due_original",
            "response_due",
            "responded_on",
            "handler",
            "outcomes_sought",
            "responsible_for",
            "not_responsible_for",
            "to_clarify",
            "escalation_reason",
            "clock_running",
            "acknowledgement_deadline",
            "response_deadline",
            "extensions",
            "response",
        ]

    def _clocks(self, stage: Stage) -> StageClocks:
        clocks = self.context.get("clocks")
        if clocks is None:  # written by complaint_document's shared serializer
            clocks = DOCUMENT_CLOCKS.get()
        return clocks[stage.number]

    def _deadline(self, d: Deadline) -> dict:
        return shared(DeadlineSerializer).to_representation(d)

    def get_acknowledgement_deadline(self, stage: Stage) -> dict:
        return self._deadline(self._clocks(stage).acknowledgement)

    def get_response_deadline(self, stage: Stage) -> dict:
        return self._deadline(self._clocks(stage).response)

    def get_clock_running(self, stage: Stage) -> bool:
        return self._clocks(stage).running

    def get_response(self, stage: Stage) -> dict | None:
        response = getattr(stage, "response", None)
        return shared(ResponseOutSerializer).to_representation(response) if response else None


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintPoint
        fields = ["number", "text", "added_at_stage", "added_on"]


class RemedySerializer(serializers.ModelSerializer):
    class Meta:
        model = Remedy
        fields = [
            "id",
            "remedy_type",
            "description",
            "due_on",
            "amount",
            "band",
            "units",
            "band_low",
            "band_high",
            "deviation_reason",
            "completed_on",
            "completion_note",
        ]


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = OutstandingAction
        fields = [
            "id",
            "description",
            "due_on",
            "owner",
            "owner_name",
            "completed_on",
            "completion_note",
        ]


class ExclusionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exclusion
        fields = [
            "stage",
            "ground",
            "reasoning",
            "discretion_considered",
            "discretion_notes",
            "decided_on",
            "reinstated_on",
        ]


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = OmbudsmanReferral
        fields = ["id", "referred_on", "ombudsman_reference", "outcome", "outcome_on", "notes"]


class ResidentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resident
        fields = ["id", "full_name", "email", "phone", "home", "is_customer"]


class ComplaintSummarySerializer(serializers.ModelSerializer):
    resident = serializers.CharField(source="resident.full_name")
    handler = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "status",
            "status_label",
            "current_stage",
            "resident",
            "category",
            "channel",
            "received_on",
            "next_due",
            "handler",
        ]

    def get_status_label(self, complaint: Complaint) -> str:
        return STATE_LABELS[State(complaint.status)]


class ReviewIn(serializers.Serializer):
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class DraftSerializer(serializers.ModelSerializer):
    complaint = serializers.CharField(source="stage.complaint.reference", read_only=True)
    stage = serializers.IntegerField(source="stage.number", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ResponseDraft
        fields = [
            "id",
            "complaint",
            "stage",
            "version",
            "status",
            "author",
            "submitted_at",
            "reviewer",
            "reviewed_at",
            "review_comments",
            "data",
        ]


class ComplaintSerializer(ComplaintSummarySerializer):
    resident = ResidentSerializer()
    stages = StageSerializer(many=True)
    points = PointSerializer(many=True)
    remedies = RemedySerializer(many=True)
    outstanding_actions = ActionSerializer(many=True)
    exclusions = ExclusionSerializer(many=True)
    ombudsman_referrals = ReferralSerializer(many=True)
    linked_to = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    linked_complaints = serializers.SlugRelatedField(
        slug_field="reference", many=True, read_only=True
    )
    allowed_actions = serializers.SerializerMethodField()
    response_drafts = serializers.SerializerMethodField(
        help_text="Drafted responses and their review (policy 6.4), newest first."
    )

    class Meta(ComplaintSummarySerializer.Meta):
        fields = [
            *ComplaintSummarySerializer.Meta.fields,
            "profile_code",
            "home",
            "heard_by",
            "description",
            "issue_started_on",
            "became_aware_on",
            "spoken_to",
            "outcome_wanted",
            "closed_on",
            "linked_to",
            "linked_complaints",
            "allowed_actions",
            "points",
            "stages",
            "remedies",
            "outstanding_actions",
            "exclusions",
            "ombudsman_referrals",
            "response_drafts",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_response_drafts(self, complaint: Complaint) -> list[dict]:
        # A complaint received in this transaction has none (selectors.complaint_detail_received).
        drafts = getattr(complaint, KNOWN_RESPONSE_DRAFTS, None)
        if drafts is None:
            drafts = (
                ResponseDraft.objects.filter(stage__complaint=complaint)
                .exclude(status=DraftStatus.SAVED)
                .select_related("stage__complaint", "author", "reviewer")
                .order_by("-submitted_at", "-id")
            )
        return shared(DraftSerializer, many=True).to_representation(drafts)

    def get_allowed_actions(self, complaint: Complaint) -> list[str]:
        return sorted(a.value for a in complaint.allowed_actions)


def complaint_document(complaint: Complaint, clocks: dict[int, StageClocks]) -> dict:
    """The complaint's API document (ComplaintSerializer's shape, with each stage's clocks by
    number): what every read, action and create of the API answers."""
    token = DOCUMENT_CLOCKS.set(clocks)
    try:
        return shared(ComplaintSerializer).to_representation(complaint)
    finally:
        DOCUMENT_CLOCKS.reset(token)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="who")
    corrects = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "code",
            "stage",
            "summary",
            "data",
            "actor",
            "happened_on",
            "recorded_at",
            "corrects",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class CorrespondenceSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Correspondence
        fields = [
            "id",
            "direction",
            "channel",
            "counterpart",
            "subject",
            "body",
            "occurred_at",
            "attachments",
        ]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "active"]


# ---------------------------------------------------------------- input


def _resident_with_home(pk: Any) -> Any:
    return Resident.objects.select_related("home").filter(pk=pk)[:1]


class ResidentWithHomeField(serializers.PrimaryKeyRelatedField):
    """A resident by id, with their home: DRF's field and its errors, the read built once per
    process (core.jsonrows.prepared_first) rather than a queryset compiled on every create."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Resident.objects.select_related("home"), **kwargs)

    def to_internal_value(self, data: Any) -> Resident:
        try:
            if isinstance(data, bool):
                raise TypeError
            pk = int(data)  # as the ORM reads an id (a number, or its digits)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        resident = prepared_first("resident_with_home", _resident_with_home, pk)
        if resident is None:
            self.fail("does_not_exist", pk_value=data)
        return resident


class ReceiveIn(serializers.Serializer):
    # With the home: the new complaint's home and search row are made from it (no more reads).
    resident = ResidentWithHomeField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    description = serializers.CharField()
    issue_started_on = serializers.DateField(required=False, allow_null=True)
    became_aware_on = serializers.DateField(required=False, allow_null=True)
    spoken_to = serializers.CharField(required=False, allow_blank=True, default="")
    outcome_wanted = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    home = serializers.PrimaryKeyRelatedField(
        queryset=Property.objects.all(), required=False, allow_null=True
    )
    heard_by = serializers.CharField(required=False, allow_blank=True, default="")


class ResidentIn(serializers.ModelSerializer):
    class Meta:
        model = Resident
        fields = ["full_name", "email", "phone", "home", "is_customer"]


class ExcludeIn(serializers.Serializer):
    ground = serializers.CharField()
    reasoning = serializers.CharField()
    discretion_considered = serializers.BooleanField()
    discretion_notes = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False)
    issue_started_on = serializers.DateField(required=False, allow_null=True, default=None)
    became_aware_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class AcknowledgeIn(serializers.Serializer):
    points = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    outcomes_sought = serializers.CharField()
    responsible_for = serializers.CharField()
    not_responsible_for = serializers.CharField(required=False, allow_blank=True, default="")
    to_clarify = serializers.CharField(required=False, allow_blank=True, default="")
    acknowledged_on = serializers.DateField(required=False)
    handler = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False
    )


class AddPointsIn(serializers.Serializer):
    points = serializers.ListField(child=serializers.CharField(), min_length=1)
    related = serializers.BooleanField()
    would_delay = serializers.BooleanField(required=False, default=False)
    received_on = serializers.DateField(required=False)


class ExtendIn(serializers.Serializer):
    new_due = serializers.DateField()
    reason = serializers.CharField()
    resident_informed_on = serializers.DateField()
    update_interval_days = serializers.IntegerField(min_value=1, max_value=20)
    good_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionIn(serializers.Serializer):
    point = serializers.IntegerField(min_value=1)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField()


class RemedyIn(serializers.Serializer):
    remedy_type = serializers.CharField()
    description = serializers.CharField()
    due_on = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    band = serializers.CharField(required=False, allow_blank=True, default="")
    units = serializers.IntegerField(required=False, allow_null=True, default=None)
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ActionIn(serializers.Serializer):
    description = serializers.CharField()
    due_on = serializers.DateField()
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    owner_name = serializers.CharField(required=False, allow_blank=True, default="")


class RespondIn(serializers.Serializer):
    summary = serializers.CharField()
    decisions = DecisionIn(many=True)
    remedies = RemedyIn(many=True, required=False, default=list)
    actions = ActionIn(many=True, required=False, default=list)
    learning = serializers.CharField(required=False, allow_blank=True, default="")
    no_remedy_reason = serializers.CharField(required=False, allow_blank=True, default="")
    early_resolution = serializers.BooleanField(required=False, default=False)


class EscalateIn(serializers.Serializer):
    requested_on = serializers.DateField(required=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: the resident never has to give a reason (Code 6.12).",
    )


class AssignIn(serializers.Serializer):
    handler = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    # Code 5.8c: "none", or "declared" with what it is (and an officer's override reason).
    conflict = serializers.CharField(required=False, allow_blank=True, default="")
    conflict_detail = serializers.CharField(required=False, allow_blank=True, default="")
    conflict_override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class CloseIn(serializers.Serializer):
    reason = serializers.CharField()
    closed_on = serializers.DateField(required=False)


class NoteIn(serializers.Serializer):
    text = serializers.CharField()


class CorrectionIn(serializers.Serializer):
    event = serializers.IntegerField()
    text = serializers.CharField()


class CorrespondenceIn(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    counterpart = serializers.CharField()
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    body = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AttachmentIn(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralIn(serializers.Serializer):
    referred_on = serializers.DateField()
    ombudsman_reference = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralOutcomeIn(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING]
    )
    outcome_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteIn(serializers.Serializer):
    completed_on = serializers.DateField(required=False, help_text="The day it was actually done.")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="Evidence."
    )


class FollowUpOut(serializers.Serializer):
    """One remedy or outstanding action on the follow-through tracker."""

    kind = serializers.CharField(help_text="remedy or action")
    id = serializers.IntegerField(source="item.pk")
    complaint = serializers.CharField(source="complaint.reference")
    complaint_status = serializers.CharField(source="complaint.status")
    description = serializers.CharField(source="item.description")
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    owner_text = serializers.CharField()
    due_on = serializers.DateField(source="item.due_on")
    completed_on = serializers.DateField(source="item.completed_on", allow_null=True)
    standing = serializers.CharField(source="standing.standing")
    working_days = serializers.IntegerField(source="standing.working_days")
    status = serializers.CharField(source="standing.words", help_text="The status in words.")
    complete_url = serializers.SerializerMethodField()

    def get_complete_url(self, row: Any) -> str | None:
        if row.item.completed_on is not None:
            return None
        prefix = "remedies" if row.kind == "remedy" else "actions"
        return f"/api/v1/{prefix}/{row.item.pk}/complete/"


class ErrorOut(serializers.Serializer):
    """Every refusal, in one shape: 400 for bad input (with the field), 409 for a broken rule,
    and 401 / 403 / 404 / 405 / 415 from the framework (`complaints.api.exception_handler`)."""

    error = serializers.CharField(help_text="invalid_input, rule_broken or transition_refused")
    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    provision = serializers.CharField(help_text="The Code provision, when one applies.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "fields" is the error body's key, but also a Serializer attribute: added here.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            help_text="Messages by field name (lists, or objects for nested input)."
        )
        return fields


# --- Query parameters of the lists: checked, so a bad value is a 400, not silently ignored ---

TRUE_OR_FALSE = ["true", "false"]


class ComplaintListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    stage = serializers.IntegerField(required=False, min_value=1, max_value=9)
    open = serializers.ChoiceField(choices=TRUE_OR_FALSE, required=False)
    overdue = serializers.ChoiceField(choices=TRUE_OR_FALSE, required=False)
    unassigned = serializers.ChoiceField(choices=TRUE_OR_FALSE, required=False)
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Reference, name or text"
    )


class FollowUpListQuery(serializers.Serializer):
    mine = serializers.ChoiceField(
        choices=TRUE_OR_FALSE, required=False, help_text="Only the signed-in user's."
    )
    owner = serializers.IntegerField(required=False, min_value=1)
    team = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=["remedy", "action"], required=False)
    state = serializers.ChoiceField(choices=["open", "overdue", "done"], required=False)
    stage = serializers.IntegerField(required=False, min_value=1, max_value=9)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class DraftListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=DraftStatus.choices, required=False)


class ResidentListQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the name"
    )
