"""Admin for messages out: the outbox (what was sent, when, to whom, and what failed), the
Telegram links, and the schedule entries the sweep keeps."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from outcomes.access import NotVisible
from outcomes.models import (
    Notification,
    NotificationStatus,
    ScheduleEntry,
    ScheduleItemClosure,
    TelegramLink,
    TelegramLinkCode,
)
from outcomes.services import telegram_link_revoke

from .base import AuditedReadsMixin, ChildRecordAdmin


@admin.register(Notification)
class NotificationAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """The outbox. Rows are written by the sweep and moved by the workers: here they are read,
    a failed one can be tried again, and a waiting one cancelled. Nothing else is edited."""

    list_display = ("created_at", "young_person", "event_kind", "due_on", "lead", "recipient",
                    "address", "channel", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "channel", "kind", "lead", "event_kind", "created_at")
    list_select_related = ("young_person", "recipient")
    search_fields = ("=young_person__child_id", "=recipient__username", "=address", "event_key")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ("try_again", "cancel")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Try the selected failed messages again")
    def try_again(self, request, queryset):
        count = queryset.filter(status=NotificationStatus.FAILED).update(
            status=NotificationStatus.PENDING, not_before=timezone.now(), attempts=0)
        self.message_user(request, f"{count} message(s) will be tried again within a minute.")

    @admin.action(description="Cancel the selected waiting messages")
    def cancel(self, request, queryset):
        count = queryset.filter(status=NotificationStatus.PENDING).update(
            status=NotificationStatus.CANCELLED, last_error="Cancelled in the admin.")
        self.message_user(request, f"Cancelled {count} message(s).")


@admin.register(TelegramLink)
class TelegramLinkAdmin(ChildRecordAdmin):
    young_person_lookup = "user__young_person_id"
    list_display = ("user", "active", "linked_at", "paused_at", "deactivated_at",
                    "deactivated_reason")
    list_filter = ("active", "linked_at")
    list_select_related = ("user",)
    search_fields = ("=user__username",)
    readonly_fields = ("user", "telegram_user_id", "chat_id", "linked_at", "paused_at",
                       "deactivated_at", "deactivated_reason")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected links")
    def revoke(self, request, queryset):
        # Through the service, as the staff pages do: the same check of who may revoke, the
        # history, and the chat's command menu reset after the commit.
        count = 0
        for link in queryset.filter(active=True).select_related("user"):
            try:
                telegram_link_revoke(actor=request.user, link=link)
            except (NotVisible, PermissionDenied):
                continue
            count += 1
        self.message_user(request, f"Revoked {count} link(s).")


@admin.register(TelegramLinkCode)
class TelegramLinkCodeAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """Who made a link code for whom, and whether it was used. The code itself is never kept
    (only its hash, not shown): it is made with the action on a user account or through the API
    and shown once."""

    young_person_lookup = "user__young_person_id"
    list_display = ("user", "created_by", "created_at", "expires_at", "used_at")
    list_filter = ("created_at", "used_at")
    list_select_related = ("user", "created_by")
    search_fields = ("=user__username", "=created_by__username")
    show_full_result_count = False
    fields = ("user", "created_by", "created_at", "expires_at", "used_at",
              "used_by_telegram_user_id")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(AuditedReadsMixin, admin.ModelAdmin):
    list_display = ("young_person", "title", "due_on", "needs_data", "responsible",
                    "refreshed_on")
    list_filter = ("kind", "needs_data", "responsible", "due_on")
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id",)
    show_full_result_count = False
    readonly_fields = [f.name for f in ScheduleEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduleItemClosure)
class ScheduleItemClosureAdmin(AuditedReadsMixin, SimpleHistoryAdmin):
    """Items managers closed as no longer applying, and why: read here; they are closed on the
    team page, through the service that checks who may."""

    list_display = ("young_person", "title", "closed_on", "closed_by", "reason")
    list_filter = ("closed_on",)
    list_select_related = ("young_person", "closed_by")
    search_fields = ("=young_person__child_id",)
    show_full_result_count = False
    readonly_fields = [f.name for f in ScheduleItemClosure._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
