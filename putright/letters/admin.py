"""Django admin for letters: read-mostly views for administrators.

Letters and outbox items are the record of what was sent, so the admin shows them read-only;
templates are edited through the letters pages (which enforce the gate), not here.
"""

from django.contrib import admin

from putright.letters.models import Letter, LetterTemplate, OutboxItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ReadOnlyAdmin):
    list_display = ["kind", "version", "updated_by", "updated_at"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["kind", "complaint", "recipient_name", "large_print", "created_at"]
    list_filter = ["kind", "large_print"]
    search_fields = ["complaint__reference", "recipient_name"]
    list_select_related = ["complaint"]


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnlyAdmin):
    list_display = ["letter", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["letter"]
