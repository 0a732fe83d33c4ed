"""Admin for safeguarding alerts: read only. An alert is acknowledged through its page in the
staff pages (or the bot), where the service tells the right people; nothing is changed here."""

from __future__ import annotations

from django.contrib import admin

from outcomes.models import SafeguardingAlert, SafeguardingMessage

from .base import AuditedReadsMixin, ChildRecordAdmin, ReadOnlyInline, young_person_column


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SafeguardingMessageInline(ReadOnlyInline):
    model = SafeguardingMessage
    fields = ("at", "channel", "kinds", "text")
    readonly_fields = fields


@admin.register(SafeguardingAlert)
class SafeguardingAlertAdmin(_ReadOnly, ChildRecordAdmin):
    list_display = ("raised_at", "young_person", "kinds", "channel", "status", "action",
                    "acknowledged_by", "acknowledged_at", "escalation_rounds")
    list_filter = ("status", "action", "channel", "raised_at")
    list_select_related = ("young_person", "acknowledged_by")
    search_fields = ("=young_person__child_id",)
    date_hierarchy = "raised_at"
    readonly_fields = [f.name for f in SafeguardingAlert._meta.fields]
    inlines = (SafeguardingMessageInline,)


@admin.register(SafeguardingMessage)
class SafeguardingMessageAdmin(_ReadOnly, AuditedReadsMixin, admin.ModelAdmin):
    young_person_lookup = "alert__young_person"
    list_display = ("at", young_person_column("alert.young_person"), "channel", "kinds")
    list_select_related = ("alert__young_person",)
    show_full_result_count = False
    readonly_fields = [f.name for f in SafeguardingMessage._meta.fields]
