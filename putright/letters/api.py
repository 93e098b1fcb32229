"""Response review over the API: drafts wait for a colleague, who approves or returns them."""

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from putright.accounts.permissions import IsCaseWorker
from putright.complaints.serializers import ErrorOut
from putright.letters.constants import DraftStatus
from putright.letters.models import ResponseDraft
from putright.letters.services import response_draft_approve, response_draft_return


class DraftSerializer(serializers.ModelSerializer):
    complaint = serializers.CharField(source="stage.complaint.reference", read_only=True)
    stage = serializers.IntegerField(source="stage.number", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)

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


class ReviewIn(serializers.Serializer):
    comments = serializers.CharField(required=False, allow_blank=True, default="")


ERRORS = {400: ErrorOut, 409: ErrorOut}


class DraftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Drafted responses (policy 6.4). `?status=in_review` lists those waiting for review."""

    permission_classes = [IsCaseWorker]
    serializer_class = DraftSerializer

    def get_queryset(self):
        qs = ResponseDraft.objects.select_related(
            "stage__complaint", "author", "reviewer"
        ).order_by("-submitted_at", "-id")
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status in DraftStatus.values else qs

    def _review(self, request: Request, pk: str, call: Any) -> Response:
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            draft = get_object_or_404(ResponseDraft, pk=pk)
            call(draft, data.validated_data["comments"])
        return Response(DraftSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=ReviewIn, responses={200: DraftSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve: the response is issued and its letter sent. Not by the draft's author."""
        return self._review(
            request,
            pk,
            lambda d, c: response_draft_approve(draft=d, actor=request.user, comments=c),
        )

    @extend_schema(request=ReviewIn, responses={200: DraftSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        """Return the draft to its author with what must change."""
        return self._review(
            request, pk, lambda d, c: response_draft_return(draft=d, actor=request.user, comments=c)
        )
