"""The hazards API: read reports with their clocks; raise one; record each step."""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from putright.complaints.models import Complaint
from putright.core.errors import InvalidInput
from putright.core.permissions import Action, HasAction
from putright.hazards import selectors, services
from putright.hazards import serializers as s
from putright.hazards.models import HazardReport

COMPLAINT_NOT_FOUND = "No complaint has that reference."


def _parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class HazardReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Awaab's Law hazard reports: every member of staff reads; case workers record."""

    permission_classes = [HasAction(Action.VIEW_CASES, unsafe=Action.RECORD_HAZARDS)]
    serializer_class = s.HazardReportSerializer

    def get_queryset(self):
        return selectors.reports().prefetch_related("steps").order_by("-aware_at", "-id")

    def _report(self, pk: str) -> HazardReport:
        try:
            return HazardReport.objects.get(pk=int(pk))
        except (HazardReport.DoesNotExist, ValueError):
            raise Http404 from None

    def _document(self, report: HazardReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(s.HazardReportSerializer(fresh).data, status=code)

    @extend_schema(request=s.RaiseIn, responses={201: s.HazardReportSerializer})
    def create(self, request: Request) -> Response:
        """Raise a hazard report (optionally on a complaint): the clocks start."""
        d = _parse(s.RaiseIn, request)
        complaint = None
        if reference := d.pop("complaint"):
            complaint = Complaint.objects.filter(reference__iexact=reference).first()
            if complaint is None:
                raise InvalidInput(COMPLAINT_NOT_FOUND, field="complaint")
        report = services.hazard_report_raise(complaint=complaint, actor=request.user, **d)
        return self._document(report, status.HTTP_201_CREATED)

    def _step(
        self,
        request: Request,
        pk: str,
        serializer_class: type[serializers.Serializer],
        call: Callable[..., HazardReport],
    ) -> Response:
        report = self._report(pk)
        data = _parse(serializer_class, request)
        return self._document(call(report=report, actor=request.user, **data))

    @extend_schema(request=s.InvestigationIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"])
    def investigation(self, request: Request, pk: str) -> Response:
        """Record the competent investigator's conclusion."""
        return self._step(request, pk, s.InvestigationIn, services.hazard_investigation_record)

    @extend_schema(request=s.SummaryIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"])
    def summary(self, request: Request, pk: str) -> Response:
        """Record the written summary (the letter goes out through the letters gate)."""
        return self._step(request, pk, s.SummaryIn, services.hazard_summary_record)

    @extend_schema(request=s.SafetyWorkIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"], url_path="safety-work")
    def safety_work(self, request: Request, pk: str) -> Response:
        """Record the safety work that made the home safe."""
        return self._step(request, pk, s.SafetyWorkIn, services.hazard_safety_work_record)

    @extend_schema(request=s.FurtherWorkIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"], url_path="further-work")
    def further_work(self, request: Request, pk: str) -> Response:
        """Record that further work began or physically started."""
        return self._step(request, pk, s.FurtherWorkIn, services.hazard_further_work_record)

    @extend_schema(request=s.AccommodationIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"])
    def accommodation(self, request: Request, pk: str) -> Response:
        """Record alternative accommodation offered, accepted or refused."""
        return self._step(request, pk, s.AccommodationIn, services.hazard_accommodation_record)

    @extend_schema(request=s.StopIn, responses={200: s.HazardReportSerializer})
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str) -> Response:
        """Record a decant, or consent refused after all reasonable steps."""
        return self._step(request, pk, s.StopIn, services.hazard_clock_stop)
