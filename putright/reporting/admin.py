"""Django admin for reporting records: look only. Changes go through the report pages and
their services, which check the rules (a "No" needs an action; an approved version is frozen)."""

from django.contrib import admin

from putright.complaints.admin import ReadOnlyAdmin, ReadOnlyTabular
from putright.reporting.models import (
    AnnualReportNote,
    HomesCount,
    OmbudsmanFinding,
    OmbudsmanInformationRequest,
    OmbudsmanOrder,
    SelfAssessment,
    SelfAssessmentRow,
    ServiceImprovement,
)


@admin.register(HomesCount)
class HomesCountAdmin(ReadOnlyAdmin):
    list_display = ("year", "lcra_homes", "lcho_homes", "recorded_by", "recorded_at")


class RowInline(ReadOnlyTabular):
    model = SelfAssessmentRow
    fields = ("provision", "comply", "evidence", "commentary", "action", "action_due", "shortfall")


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "trigger", "created_by", "approved_on", "approved_by")
    list_filter = ("year", "trigger")
    inlines = [RowInline]


@admin.register(ServiceImprovement)
class ServiceImprovementAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "owner", "owner_name", "due_on", "completed_on")
    list_filter = ("status",)


@admin.register(AnnualReportNote)
class AnnualReportNoteAdmin(ReadOnlyAdmin):
    list_display = ("year", "updated_by", "updated_at")


@admin.register(OmbudsmanInformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    list_display = ("referral", "requested_on", "due_on", "sent_on")


@admin.register(OmbudsmanFinding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("referral", "element", "finding", "determined_on")
    list_filter = ("finding",)


@admin.register(OmbudsmanOrder)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("referral", "kind", "due_on", "completed_on")
