"""Django admin: reference data is edited here; complaints are only looked at.

Every change to a complaint goes through a lifecycle service, which checks the Code's rules
and writes the case record (STYLE.md). So the case models are registered read-only: no add,
change or delete, for anyone, superusers included. The record (CaseEvent, Correspondence,
Attachment) is append-only in any case (Code 5.12).
"""

from django.contrib import admin, messages
from django.http import HttpRequest

from putright.complaints.models import (
    CaseEvent,
    Category,
    Complaint,
    ComplaintPoint,
    Correspondence,
    Exclusion,
    Extension,
    NonWorkingDay,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    Response,
    ResponseDraft,
    Stage,
)
from putright.complaints.services import categories, closures
from putright.core import batched
from putright.rules.profile import get_profile


class ReadOnlyMixin:
    """Look, never touch: the services are the only way to change a case."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabular(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        return tuple(self.fields or ())


# --- Reference data ---------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Saved through ``categories.category_save``: a renamed category's complaints are found
    by its new name once their search rows are written again, a batch at a time after the
    save (this list shows how far)."""

    list_display = ("name", "code", "review_team", "active", "search_rows_written")
    list_filter = ("active", "review_team")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reindexes")

    def save_model(self, request, obj, form, change):
        reindex = categories.category_save(category=obj, actor=request.user)
        if reindex is not None and reindex.finished_at is None:
            self.message_user(
                request,
                f"{reindex.reindexed} complaint(s) are found by the new name so far; the rest "
                "are being brought up to date in the background (until then search finds them "
                "by the old name). This list shows the progress.",
                messages.WARNING,
            )

    @admin.display(description="Complaints' search rows with the name")
    def search_rows_written(self, obj):
        return batched.progress_of_latest(list(obj.reindexes.all()), lambda r: r.reindexed)


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    """The landlord's own closures, on top of bank holidays, in time: each is dated the day it
    is recorded and counts only for deadlines still open then; removing one withdraws it (the
    row stays, so results settled while it stood keep it)."""

    # The recount's progress next to the reason: last, it was off the side of a 1280-wide screen.
    list_display = (
        "day",
        "reason",
        "deadlines_moved",
        "decided_on",
        "withdrawn_on",
        "decided_after_the_day",
    )
    fields = ("day", "reason")
    list_filter = ("withdrawn_on",)
    date_hierarchy = "day"
    search_fields = ("reason",)
    actions = None  # bulk delete would skip moving the deadlines

    def has_change_permission(self, request, obj=None):
        return False  # remove and add again, so the deadlines move with it

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("recounts")

    def save_model(self, request, obj, form, change):
        closure = closures.closure_add(day=obj.day, reason=obj.reason, actor=request.user)
        obj.pk = closure.pk
        self._say_how_far(request, closure)

    def delete_model(self, request, obj):
        closures.closure_remove(closure=obj, actor=request.user)
        self._say_how_far(request, obj)

    def _say_how_far(self, request, closure):
        recount = closure.recounts.order_by("-id").first()
        if recount is not None and recount.finished_at is None:
            self.message_user(
                request,
                f"{recount.moved} open case(s) have had their deadlines moved so far; the rest "
                "are being moved in the background (each case's record will say so). This "
                "list shows the progress.",
                messages.WARNING,
            )

    @admin.display(description="Open deadlines moved")
    def deadlines_moved(self, obj):
        return batched.progress_of_latest(list(obj.recounts.all()), lambda r: r.moved)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.withdrawn_on is None

    @admin.display(boolean=True, description="Recorded after the day (settled figures unchanged)")
    def decided_after_the_day(self, obj):
        return obj.decided_after_the_day


# --- The case, read-only ----------------------------------------------------------------------


class StageInline(ReadOnlyTabular):
    model = Stage
    fields = (
        "number",
        "handler",
        "requested_on",
        "ack_due",
        "acknowledged_on",
        "response_due_original",
        "response_due",
        "responded_on",
    )


class PointInline(ReadOnlyTabular):
    model = ComplaintPoint
    fields = ("number", "text", "added_at_stage", "added_on")
    show_change_link = False


class CaseEventInline(ReadOnlyTabular):
    model = CaseEvent
    fields = ("happened_on", "code", "stage", "summary", "actor", "actor_label", "recorded_at")
    ordering = ("recorded_at", "id")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "resident",
        "category",
        "channel",
        "status",
        "current_stage",
        "handler",
        "received_on",
        "next_due",
    )
    list_filter = ("status", "channel", "category", "current_stage")
    search_fields = ("reference", "resident__full_name")
    list_select_related = ("resident", "category", "handler")
    date_hierarchy = "received_on"
    inlines = (PointInline, StageInline, CaseEventInline)


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "number",
        "handler",
        "requested_on",
        "ack_due",
        "acknowledged_on",
        "response_due",
        "responded_on",
    )
    list_filter = ("number",)
    search_fields = ("complaint__reference",)
    list_select_related = ("complaint", "handler")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "happened_on", "complaint", "code", "stage", "summary", "who")
    list_filter = ("code", "stage")
    search_fields = ("complaint__reference", "summary")
    list_select_related = ("complaint", "actor")
    date_hierarchy = "happened_on"


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    list_display = (
        "complaint",
        "stage",
        "ground_label",
        "decided_on",
        "decided_by",
        "reinstated_on",
    )
    list_filter = ("ground", "stage")
    search_fields = ("complaint__reference", "reasoning")
    list_select_related = ("complaint", "decided_by")

    @admin.display(description="ground", ordering="ground")
    def ground_label(self, obj: Exclusion) -> str:
        try:
            return get_profile(obj.complaint.profile_code).exclusion_ground(obj.ground).label
        except ValueError:
            return obj.ground


@admin.register(OmbudsmanReferral)
class OmbudsmanReferralAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "referred_on", "ombudsman_reference", "outcome", "outcome_on")
    list_filter = ("outcome",)
    search_fields = ("complaint__reference", "ombudsman_reference")
    list_select_related = ("complaint",)


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "issued_on", "early_resolution", "author")
    list_filter = ("early_resolution", "stage__number")
    search_fields = ("stage__complaint__reference",)
    list_select_related = ("stage__complaint", "author")


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "working_days", "beyond_cap", "resident_informed_on")
    list_filter = ("beyond_cap", "stage__number")
    search_fields = ("stage__complaint__reference",)
    list_select_related = ("stage__complaint",)


@admin.register(Remedy)
class RemedyAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "remedy_type", "amount", "due_on", "completed_on")
    list_filter = ("remedy_type",)
    search_fields = ("complaint__reference", "description")
    list_select_related = ("complaint",)


@admin.register(OutstandingAction)
class OutstandingActionAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "__str__", "owner", "owner_name", "due_on", "completed_on")
    search_fields = ("complaint__reference", "description", "owner_name")
    list_select_related = ("complaint", "owner")


@admin.register(Correspondence)
class CorrespondenceAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "complaint", "direction", "channel", "counterpart", "subject")
    list_filter = ("direction", "channel")
    search_fields = ("complaint__reference", "counterpart", "subject")
    list_select_related = ("complaint",)


@admin.register(ResponseDraft)
class ResponseDraftAdmin(ReadOnlyAdmin):
    list_display = ["stage", "version", "status", "author", "reviewer", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["stage__complaint", "author", "reviewer"]
