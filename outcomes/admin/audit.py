"""Admin for the access trail: readable by those allowed to, and by nobody changed."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from outcomes.models import AccessEvent, ApiToken, SecurityEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Append-only (DESIGN.md rule 5): no add, change or delete for anyone, superusers included.
    Opening an event is not audited itself: the trail is about reads of a child's record."""

    list_display = ("at", "actor", "young_person", "what", "channel")
    list_filter = ("channel", "at")
    list_select_related = ("actor", "young_person")
    search_fields = ("=young_person__child_id", "=actor__username")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API's login; here they are only seen and revoked. The
    token itself is never stored, so it cannot be shown."""

    list_display = ("prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at",
                    "revoked_reason")
    list_filter = ("revoked_at", "created_at")
    list_select_related = ("user",)
    search_fields = ("=user__username", "=prefix")
    readonly_fields = ("user", "prefix", "key_hash", "user_stamp", "created_at", "expires_at",
                       "last_used_at", "revoked_reason")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=f"Revoked by {request.user.username}.")
        self.message_user(request, f"Revoked {revoked} token(s).")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Password spraying, lockouts and misused tokens, for administrators to review. Append-only
    like the access trail; the usernames tried are masked."""

    list_display = ("at", "kind", "channel", "ip_address", "user", "username_masked", "detail")
    list_filter = ("kind", "channel", "at")
    list_select_related = ("user",)
    search_fields = ("=ip_address", "=user__username")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
