from django.contrib import admin

from putright.core.models import Heartbeat, JobRun


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
