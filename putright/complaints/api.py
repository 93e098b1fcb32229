"""The JSON API: every lifecycle action, each a thin call to one service.

400 = bad input (field errors); 409 = the Code or the workflow forbids it (the rule broken).
"""

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, ValidationError

# DRF's: a non-numeric id is a 404 in the API's error shape, not a ValueError (500).
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from putright.complaints import followups, selectors, services
from putright.complaints import serializers as s
from putright.complaints.calendar import calendar_pinned, landlord_history
from putright.complaints.deadlines import StageClocks, stage_clocks
from putright.complaints.models import (
    CaseEvent,
    Category,
    Complaint,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    ResponseDraft,
)
from putright.core import idempotency
from putright.core.errors import ComplaintError, InvalidInput
from putright.core.hardening import NulRefusingJSONParser
from putright.core.permissions import Action, HasAction
from putright.core.profile import current_profile
from putright.people.models import Resident
from putright.people.services import resident_add
from putright.rules.profile import get_profile
from putright.rules.workflow import State

# Every member of staff reads; handlers, officers and administrators write (the matrix).
CASE_WORKERS_WRITE = HasAction(
    Action.VIEW_CASES,
    unsafe=Action.WORK_CASES,
    message="Your role is read-only: you can look at cases but not change them.",
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error shape for the whole API: {error, detail, field, provision, fields}."""
    if isinstance(exc, ComplaintError):
        invalid = isinstance(exc, InvalidInput)
        body = {
            "error": "invalid_input" if invalid else _error_code(exc),
            "detail": exc.message,
            "field": exc.field,
            "provision": exc.provision,
            "fields": {exc.field: [exc.message]} if exc.field else {},
        }
        code = status.HTTP_400_BAD_REQUEST if invalid else status.HTTP_409_CONFLICT
        return Response(body, status=code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        fields = response.data if isinstance(response.data, dict) else {}
        response.data = {
            "error": "invalid_input",
            "detail": "Check the fields listed.",
            "field": next(iter(fields), None),
            "provision": "",
            "fields": fields or {"non_field_errors": response.data},
        }
    elif response is not None:
        # Malformed JSON, not signed in, refused, not found, throttled...: the same shape.
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {
            "error": str(code),
            "detail": str(detail if detail is not None else response.data),
            "field": None,
            "provision": "",
            "fields": {},
        }
    return response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request: Request, rest: str = "") -> Response:
    """Any /api/ address no route matches (an id that is not a number, a malformed reference):
    a 404 in the API's error shape, not the staff app's HTML page."""
    raise NotFound


def _error_code(exc: ComplaintError) -> str:
    from putright.core.errors import TransitionRefused

    return "transition_refused" if isinstance(exc, TransitionRefused) else "rule_broken"


ERRORS = {400: s.ErrorOut, 409: s.ErrorOut}
# Completing a remedy or action: JSON, or a form with evidence files.
EVIDENCE = {"application/json": s.CompleteIn, "multipart/form-data": s.CompleteIn}


def _parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's body, checked (a 400 naming the fields, as `is_valid` raises it) by the
    process's one instance of the input serializer (serializers.shared): validating keeps
    nothing on the instance, and building its fields afresh was a twentieth of a create."""
    return dict(s.shared(serializer_class).run_validation(request.data))


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """A list's query parameters, checked: an unknown value is a 400 naming the parameter."""
    known = set(serializer_class().fields)
    serializer = serializer_class(
        data={k: v for k, v in request.query_params.items() if k in known}
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def clocks_of(complaint: Complaint) -> dict[int, StageClocks]:
    """The clocks of each of the complaint's stages today, by number, for its document."""
    history = landlord_history()
    profile = get_profile(complaint.profile_code)
    on = timezone.localdate()
    return {
        st.number: stage_clocks(
            st, state=State(complaint.status), on=on, history=history, profile=profile
        )
        for st in complaint.stages.all()
    }


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints: receive, read, and every step of the Code's two stages."""

    permission_classes = [CASE_WORKERS_WRITE]
    lookup_field = "reference"
    lookup_value_regex = r"CMP-\d{4}-\d{6}"
    serializer_class = s.ComplaintSerializer

    def get_queryset(self):
        if self.action != "list":
            return Complaint.objects.all()
        params = _query(s.ComplaintListQuery, self.request)
        return selectors.complaint_list(
            status=params.get("status") or None,
            stage=params.get("stage"),
            unassigned=params.get("unassigned") == "true",
            open_only=params.get("open") == "true",
            overdue_on=timezone.localdate() if params.get("overdue") == "true" else None,
            search=params.get("q", ""),
        )

    def get_serializer_class(self):
        return s.ComplaintSummarySerializer if self.action == "list" else s.ComplaintSerializer

    def _complaint(self, reference: str) -> Complaint:
        try:
            return selectors.complaint_detail(reference)
        except Complaint.DoesNotExist:
            from django.http import Http404

            raise Http404 from None

    def _document(
        self, complaint: Complaint, code: int = status.HTTP_200_OK, *, reread: bool = True
    ) -> Response:
        if reread:
            complaint = self._complaint(complaint.reference)  # fresh, with everything prefetched
        return Response(s.complaint_document(complaint, clocks_of(complaint)), status=code)

    @extend_schema(parameters=[s.ComplaintListQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, reference: str = "", **kwargs: Any) -> Response:
        return self._document(self._complaint(reference))

    @extend_schema(request=s.ReceiveIn, responses={201: s.ComplaintSerializer, **ERRORS})
    @idempotency.checks_first
    def create(self, request: Request) -> HttpResponse:
        """Receive a complaint from any channel, with the date it was actually received.

        The input is checked and the calendar read before a keyed request's transaction
        opens: on SQLite only the writing holds the database's one write lock."""
        data = _parse(s.ReceiveIn, request)
        with calendar_pinned():  # read once for the deadlines and the answer's clocks
            if refused := idempotency.claim_before_writing(request):
                return refused  # a retry: the first answer (or a 422 for a different request)
            result = services.complaint_receive(actor=request.user, **data)
            received = selectors.complaint_detail_received(result.complaint, result.stage)
            return self._document(received, status.HTTP_201_CREATED, reread=False)

    def _act(
        self,
        reference: str,
        serializer_class: type[serializers.Serializer] | None,
        request: Request,
        call: Any,
    ) -> Response:
        data = _parse(serializer_class, request) if serializer_class else {}
        with transaction.atomic():
            complaint = get_object_or_404(
                Complaint.objects.select_for_update(), reference=reference
            )
            call(complaint, data)
        return self._document(complaint)

    @extend_schema(request=s.ExcludeIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def exclude(self, request: Request, reference: str) -> Response:
        """Do not accept the complaint (or the escalation), with evidence (Code 2)."""
        return self._act(
            reference,
            s.ExcludeIn,
            request,
            lambda c, d: services.complaint_exclude(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.ReasonIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, reference: str) -> Response:
        """Accept a complaint that was not accepted (Code 2.4)."""
        return self._act(
            reference,
            s.ReasonIn,
            request,
            lambda c, d: services.complaint_reinstate(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.AcknowledgeIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, reference: str) -> Response:
        """Acknowledge and define the current stage (Code 5.6-5.7, 6.2, 6.11)."""
        return self._act(
            reference,
            s.AcknowledgeIn,
            request,
            lambda c, d: services.stage_acknowledge(
                stage=c.stages.get(number=c.current_stage), actor=request.user, **d
            ),
        )

    @extend_schema(
        request=s.AddPointsIn,
        responses={200: s.ComplaintSerializer, 201: s.ComplaintSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def points(self, request: Request, reference: str) -> Response:
        """Add points: merged into stage 1 if related, else a new linked complaint (Code 6.8).
        Returns the complaint that holds the points: 201 when it is a new one."""
        data = _parse(s.AddPointsIn, request)
        with transaction.atomic():
            complaint = get_object_or_404(
                Complaint.objects.select_for_update(), reference=reference
            )
            result = services.complaint_add_points(complaint=complaint, actor=request.user, **data)
        return self._document(
            result.complaint, status.HTTP_200_OK if result.merged else status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ExtendIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, reference: str) -> Response:
        """Extend the current stage (Code 6.4 / 6.15; 5.9; 6.5 / 6.16)."""
        return self._act(
            reference,
            s.ExtendIn,
            request,
            lambda c, d: services.stage_extend(
                stage=c.stages.get(number=c.current_stage), actor=request.user, **d
            ),
        )

    @extend_schema(request=s.RespondIn, responses={202: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, reference: str) -> Response:
        """Draft the current stage's response (Code 6.6-6.9, 6.17-6.19, 7) and send it for
        review: 202 with the draft in `response_drafts`. A colleague who is not the author
        approves it at `/api/v1/drafts/{id}/approve/`, which issues it (policy 6.4)."""

        def call(c: Complaint, d: dict[str, Any]) -> None:
            data = services.ResponseInput(
                summary=d["summary"],
                decisions=[services.DecisionInput(**x) for x in d["decisions"]],
                remedies=[services.RemedyInput(**x) for x in d["remedies"]],
                actions=[services.ActionInput(**x) for x in d["actions"]],
                learning=d["learning"],
                no_remedy_reason=d["no_remedy_reason"],
                early_resolution=d["early_resolution"],
            )
            services.response_draft_submit(
                stage=c.stages.get(number=c.current_stage), data=data, actor=request.user
            )

        response = self._act(reference, s.RespondIn, request, call)
        response.status_code = status.HTTP_202_ACCEPTED
        return response

    @extend_schema(request=s.EscalateIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, reference: str) -> Response:
        """Escalate to stage 2; no reason required (Code 6.12)."""
        return self._act(
            reference,
            s.EscalateIn,
            request,
            lambda c, d: services.complaint_escalate(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.AssignIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[HasAction(Action.ASSIGN)])
    def assign(self, request: Request, reference: str) -> Response:
        """Assign the current stage; stage 2 refuses the stage 1 handler (Code 6.13)."""
        return self._act(
            reference,
            s.AssignIn,
            request,
            lambda c, d: services.stage_assign(
                stage=c.stages.get(number=c.current_stage), actor=request.user, **d
            ),
        )

    @extend_schema(request=s.CloseIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, reference: str) -> Response:
        """Close the complaint after a response."""
        return self._act(
            reference,
            s.CloseIn,
            request,
            lambda c, d: services.complaint_close(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.ReasonIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, reference: str) -> Response:
        """Record that the resident withdrew the complaint."""
        return self._act(
            reference,
            s.ReasonIn,
            request,
            lambda c, d: services.complaint_withdraw(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.NoteIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, reference: str) -> Response:
        """Add an internal note to the case record."""
        return self._act(
            reference,
            s.NoteIn,
            request,
            lambda c, d: services.note_add(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.CorrectionIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def corrections(self, request: Request, reference: str) -> Response:
        """Correct an entry of the record; the original stays (append-only, Code 5.12)."""

        def call(c: Complaint, d: dict[str, Any]) -> None:
            event = get_object_or_404(CaseEvent, pk=d["event"], complaint=c)
            services.record_correct(event=event, text=d["text"], actor=request.user)

        return self._act(reference, s.CorrectionIn, request, call)

    @extend_schema(
        request={"multipart/form-data": s.CorrespondenceIn},
        responses={200: s.ComplaintSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def correspondence(self, request: Request, reference: str) -> Response:
        """Keep correspondence in or out, with attachments (Code 5.12)."""
        return self._act(
            reference,
            s.CorrespondenceIn,
            request,
            lambda c, d: services.correspondence_add(complaint=c, actor=request.user, **d),
        )

    @extend_schema(
        request={"multipart/form-data": s.AttachmentIn},
        responses={200: s.ComplaintSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: Request, reference: str) -> Response:
        """Add documents to the record (reports, photos, surveys)."""
        return self._act(
            reference,
            s.AttachmentIn,
            request,
            lambda c, d: services.attachment_add(complaint=c, actor=request.user, **d),
        )

    @extend_schema(request=s.ReferralIn, responses={200: s.ComplaintSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def referrals(self, request: Request, reference: str) -> Response:
        """Record a referral to the Housing Ombudsman."""
        return self._act(
            reference,
            s.ReferralIn,
            request,
            lambda c, d: services.ombudsman_referral_record(complaint=c, actor=request.user, **d),
        )

    @extend_schema(responses={200: s.EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def record(self, request: Request, reference: str) -> Response:
        """The full case record, newest first."""
        complaint = get_object_or_404(Complaint, reference=reference)
        page = self.paginate_queryset(selectors.complaint_record(complaint))
        return self.get_paginated_response(s.EventSerializer(page, many=True).data)

    @extend_schema(responses={200: s.CorrespondenceSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="correspondence-list", pagination_class=None)
    def correspondence_list(self, request: Request, reference: str) -> Response:
        """Correspondence in and out, with attachments."""
        complaint = get_object_or_404(Complaint, reference=reference)
        items = selectors.complaint_correspondence(complaint)
        return Response(s.CorrespondenceSerializer(items, many=True).data)


class FollowUpViewSet(viewsets.GenericViewSet):
    """Complete remedies and outstanding actions (Code 7.3, 6.6 / 6.17)."""

    permission_classes = [CASE_WORKERS_WRITE]
    model: type[Remedy] | type[OutstandingAction]

    def _complete(self, request: Request, pk: str, call: Any) -> Response:
        data = _parse(s.CompleteIn, request)
        # The service locks the complaint, then re-reads the item (one lock order).
        item = get_object_or_404(self.model.objects.all(), pk=pk)
        item = call(item, data)
        return Response(self.output(item).data)


class RemedyViewSet(FollowUpViewSet, mixins.RetrieveModelMixin):
    model = Remedy
    queryset = Remedy.objects.all()
    serializer_class = s.RemedySerializer
    output = s.RemedySerializer

    @extend_schema(request=EVIDENCE, responses={200: s.RemedySerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[NulRefusingJSONParser, MultiPartParser])
    def complete(self, request: Request, pk: str) -> Response:
        """Mark a remedy delivered."""
        return self._complete(
            request, pk, lambda r, d: services.remedy_complete(remedy=r, actor=request.user, **d)
        )


class ActionViewSet(FollowUpViewSet, mixins.RetrieveModelMixin):
    model = OutstandingAction
    queryset = OutstandingAction.objects.select_related("owner")
    serializer_class = s.ActionSerializer
    output = s.ActionSerializer

    @extend_schema(request=EVIDENCE, responses={200: s.ActionSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[NulRefusingJSONParser, MultiPartParser])
    def complete(self, request: Request, pk: str) -> Response:
        """Mark an outstanding action done."""
        return self._complete(
            request, pk, lambda a, d: services.action_complete(action=a, actor=request.user, **d)
        )


class FollowUpListViewSet(viewsets.GenericViewSet):
    """The follow-through tracker: every remedy and action, open or closed complaint."""

    permission_classes = [CASE_WORKERS_WRITE]
    serializer_class = s.FollowUpOut

    @extend_schema(parameters=[s.FollowUpListQuery])
    def list(self, request: Request) -> Response:
        """Remedies and actions, not done first and soonest due, with status in words."""
        p = _query(s.FollowUpListQuery, request)
        filters = followups.FollowUpFilters(
            owner_id=request.user.pk if p.get("mine") == "true" else p.get("owner"),
            team=p.get("team", "").strip(),
            kind=p.get("kind", ""),
            state=p.get("state", ""),
            stage=p.get("stage"),
            status=p.get("status", ""),
        )
        on = timezone.localdate()
        page = self.paginate_queryset(followups.follow_up_keys(filters=filters, today=on))
        rows = followups.follow_up_rows(list(page or []), today=on)
        return self.get_paginated_response(s.FollowUpOut(rows, many=True).data)


class ReferralViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """Ombudsman referrals and their outcomes."""

    permission_classes = [CASE_WORKERS_WRITE]
    queryset = OmbudsmanReferral.objects.all()
    serializer_class = s.ReferralSerializer

    @extend_schema(request=s.ReferralOutcomeIn, responses={200: s.ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        """Record the Ombudsman's finding."""
        data = _parse(s.ReferralOutcomeIn, request)
        referral = get_object_or_404(OmbudsmanReferral, pk=pk)
        services.ombudsman_outcome_record(referral=referral, actor=request.user, **data)
        return Response(s.ReferralSerializer(referral).data)


class ResidentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Residents (and non-customers) who complain."""

    permission_classes = [CASE_WORKERS_WRITE]
    serializer_class = s.ResidentSerializer

    def get_queryset(self):
        qs = Resident.objects.order_by("full_name", "id")
        if self.action != "list":
            return qs
        q = _query(s.ResidentListQuery, self.request).get("q", "").strip()
        return qs.filter(full_name__icontains=q) if q else qs

    @extend_schema(parameters=[s.ResidentListQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        return s.ResidentIn if self.action == "create" else s.ResidentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _parse(s.ResidentIn, request)
        resident = resident_add(actor=request.user, **data)
        return Response(s.ResidentSerializer(resident).data, status=status.HTTP_201_CREATED)


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Complaint categories (reference data, edited in the admin)."""

    permission_classes = [CASE_WORKERS_WRITE]
    serializer_class = s.CategorySerializer
    queryset = Category.objects.filter(active=True)
    pagination_class = None


class _OneObjectSchema(AutoSchema):
    """The profile is one object at a list-style URL: document it as an object, not an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


def _items() -> serializers.ListField:
    return serializers.ListField(child=serializers.DictField())


@extend_schema(
    responses=inline_serializer(
        "CodeProfile",
        {
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "effective_from": serializers.DateField(),
            "stages": _items(),
            "exclusion_grounds": _items(),
            "remedy_types": _items(),
            "decision_outcomes": _items(),
            "time_limit_months": serializers.IntegerField(),
            "pass_on_working_days": serializers.IntegerField(),
            "due_soon_working_days": serializers.IntegerField(),
            "ombudsman": serializers.DictField(),
            "provisions": _items(),
            "sections": serializers.ListField(
                child=serializers.ListField(), help_text="[number, title] of each section."
            ),
        },
    )
)
class ProfileViewSet(viewsets.ViewSet):
    """The Code profile in force: stages, limits, caps, grounds, remedy types."""

    permission_classes = [CASE_WORKERS_WRITE]
    schema = _OneObjectSchema()

    def list(self, request: Request) -> Response:
        from dataclasses import asdict

        return Response(asdict(current_profile()))


class DraftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Drafted responses (policy 6.4). `?status=in_review` lists those waiting for review."""

    permission_classes = [HasAction(Action.VIEW_CASES, unsafe=Action.REVIEW_RESPONSES)]
    serializer_class = s.DraftSerializer

    def get_queryset(self):
        qs = ResponseDraft.objects.select_related(
            "stage__complaint", "author", "reviewer"
        ).order_by("-submitted_at", "-id")
        if self.action != "list":
            return qs
        status = _query(s.DraftListQuery, self.request).get("status")
        return qs.filter(status=status) if status else qs

    @extend_schema(parameters=[s.DraftListQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _review(self, request: Request, pk: str, call: Any) -> Response:
        data = s.ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            draft = get_object_or_404(ResponseDraft, pk=pk)
            call(draft, data.validated_data["comments"])
        return Response(s.DraftSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.ReviewIn, responses={200: s.DraftSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve: the response is issued and its letter sent. Not by the draft's author."""
        return self._review(
            request,
            pk,
            lambda d, c: services.response_draft_approve(draft=d, actor=request.user, comments=c),
        )

    @extend_schema(request=s.ReviewIn, responses={200: s.DraftSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        """Return the draft to its author with what must change."""
        return self._review(
            request,
            pk,
            lambda d, c: services.response_draft_return(draft=d, actor=request.user, comments=c),
        )
