"""GET /api/v1/intake/items/: the intake inbox, read-only (Code 1.2–1.6).

Every inbound message as it waits for, or after, a person's decision, with the recognition
assistant's suggestion. Every member of staff reads it, as they read `/intake/inbox/`;
deciding stays on the page, where the person sees the message whole.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from putright.core.permissions import Action, HasAction
from putright.intake import selectors
from putright.intake.constants import Decision, IntakeChannel
from putright.intake.models import IntakeAttachment, IntakeItem
from putright.intake.recognition_api import PhraseOut
from putright.rules.recognition import LABELS

UNDECIDED = "undecided"
ALL = "all"


class IntakeItemListQuery(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[UNDECIDED, ALL, *Decision.values],
        required=False,
        help_text="`undecided` (the default: most likely complaints first), `all`, or one "
        "decision (latest decided first).",
    )
    channel = serializers.ChoiceField(choices=IntakeChannel.choices, required=False)
    label = serializers.ChoiceField(
        choices=list(LABELS), required=False, help_text="The assistant's suggested label."
    )


class IntakeAttachmentOut(serializers.ModelSerializer):
    class Meta:
        model = IntakeAttachment
        fields = ["original_name", "size", "kept_aside", "reason"]


class IntakeItemSerializer(serializers.ModelSerializer):
    phrases = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    complaint = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    quoted_complaint = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    attachments = IntakeAttachmentOut(many=True, read_only=True)

    class Meta:
        model = IntakeItem
        fields = [
            "id",
            "reference",
            "channel",
            "received_at",
            "sender_name",
            "sender_email",
            "sender_phone",
            "subject",
            "body",
            "notes",
            "stated_adjustments",
            "suggested_resident",
            "quoted_complaint",
            "service_request",
            "survey_response",
            "suggested_label",
            "score",
            "phrases",
            "decision",
            "decided_at",
            "decided_by",
            "decision_note",
            "complaint",
            "attachments",
        ]

    @extend_schema_field(PhraseOut(many=True))
    def get_phrases(self, item: IntakeItem) -> list[dict[str, Any]]:
        """The phrases that carry dissatisfaction, as offsets into subject + blank line + body."""
        text = item.text
        return [{"start": a, "end": b, "text": text[a:b]} for a, b in item.phrases]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_notes(self, item: IntakeItem) -> list[str]:
        """What the intake found that staff should know, one per entry."""
        return [line for line in item.notes.splitlines() if line.strip()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, item: IntakeItem) -> str | None:
        if item.decided_by is None:
            return None
        return item.decided_by.get_full_name() or item.decided_by.get_username()


class IntakeItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The intake inbox: every member of staff reads it; a person decides on the page."""

    permission_classes = [HasAction(Action.VIEW_CASES)]
    serializer_class = IntakeItemSerializer

    def get_queryset(self):
        return selectors.intake_items()

    @extend_schema(parameters=[IntakeItemListQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Intake items: undecided first by how likely a complaint, or filtered."""
        known = set(IntakeItemListQuery().fields)
        query = IntakeItemListQuery(
            data={k: v for k, v in request.query_params.items() if k in known}
        )
        query.is_valid(raise_exception=True)
        p = query.validated_data
        decision = p.get("decision", UNDECIDED)
        qs = selectors.inbox(
            status="" if decision == ALL else decision,
            channel=p.get("channel", ""),
            label=p.get("label", ""),
        ).prefetch_related("attachments")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
