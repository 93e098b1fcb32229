"""API shapes for hazard reports: input serializers parse, services judge."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from putright.hazards.constants import HAZARD_CHOICES, AssessmentChoice, Source
from putright.hazards.models import HazardReport, HazardStep


class CitationOut(serializers.Serializer):
    """Where a clock's duty comes from (``rules.hazards.CITATIONS``): `regulation` is null where
    no retrieved source gave a number, and `verified` stays false until someone has read it in
    the Regulations themselves."""

    duty = serializers.CharField()
    instrument = serializers.CharField()
    regulation = serializers.CharField(allow_null=True)
    verified = serializers.BooleanField()
    source = serializers.CharField()


class ClockOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()
    # The status in words, as the pages show it (``rules.hazards.STATUS_LABELS``).
    status_label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    hours_left = serializers.FloatField(allow_null=True)
    working_days_left = serializers.IntegerField(allow_null=True)
    words = serializers.CharField()
    citation = CitationOut()


class StepOut(serializers.ModelSerializer):
    class Meta:
        model = HazardStep
        fields = ["kind", "summary", "data", "recorded_at"]


class HazardReportSerializer(serializers.ModelSerializer):
    complaint = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    clocks = serializers.SerializerMethodField()
    steps = StepOut(many=True, read_only=True)

    class Meta:
        model = HazardReport
        fields = [
            "id",
            "complaint",
            "resident",
            "address",
            "aware_at",
            "source",
            "told_by",
            "hazard",
            "description",
            "occupiers",
            "vulnerabilities",
            "assessment",
            "investigator",
            "investigation_concluded_at",
            "findings",
            "hazard_found",
            "further_work_needed",
            "summary_sent_on",
            "safety_work_done_at",
            "further_work_begun_on",
            "further_work_started_on",
            "accommodation",
            "decanted_at",
            "consent_refused_at",
            "cleared_at",
            "clocks",
            "steps",
        ]

    @extend_schema_field(ClockOut(many=True))
    def get_clocks(self, report: HazardReport) -> list[dict]:
        from putright.hazards.selectors import clocks_for

        return [ClockOut(c).data for c in clocks_for(report)]


class RaiseIn(serializers.Serializer):
    complaint = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    aware_at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=Source.choices)
    told_by = serializers.CharField()
    hazard = serializers.ChoiceField(choices=HAZARD_CHOICES)
    assessment = serializers.ChoiceField(choices=AssessmentChoice.choices)
    description = serializers.CharField()
    occupiers = serializers.CharField(required=False, allow_blank=True, default="")
    vulnerabilities = serializers.CharField(required=False, allow_blank=True, default="")


class InvestigationIn(serializers.Serializer):
    investigator = serializers.CharField()
    concluded_at = serializers.DateTimeField()
    findings = serializers.CharField()
    hazard_found = serializers.BooleanField()
    further_work_needed = serializers.BooleanField(default=False)


class SummaryIn(serializers.Serializer):
    sent_on = serializers.DateField()


class SafetyWorkIn(serializers.Serializer):
    done_at = serializers.DateTimeField()
    detail = serializers.CharField()


class FurtherWorkIn(serializers.Serializer):
    begun_on = serializers.DateField(required=False, allow_null=True, default=None)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    detail = serializers.CharField()


class AccommodationIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["offered", "accepted", "refused"])
    at = serializers.DateTimeField()


class StopIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=["decanted", "consent_refused", "cleared"])
    at = serializers.DateTimeField()
    steps = serializers.CharField(required=False, allow_blank=True, default="")
