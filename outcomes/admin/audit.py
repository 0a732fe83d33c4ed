"""Admin for the access trail: readable by those allowed to, and by nobody changed."""

from __future__ import annotations

from django.contrib import admin

from outcomes.models import AccessEvent


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
