from django.contrib import admin
from django.http import HttpRequest

from putright.core.models import Heartbeat, JobRun, SecurityEvent


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Scheduled job history, read-only: runs are written by the scheduler alone."""

    list_display = ["job", "period_start", "status", "attempts", "started_at", "finished_at"]
    list_filter = ["job", "status"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, read-only: a record is never edited or deleted by hand."""

    list_display = ("at", "kind", "username", "ip", "path")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
