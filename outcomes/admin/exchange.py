"""Admin for the data jobs (SSDA903 imports and exports run from the staff pages): who asked for
what, how far it got and why it failed. Jobs are made by the pages and moved by the workers, so
nothing here is added or edited."""

from __future__ import annotations

from django.contrib import admin

from outcomes.models import DataJob


@admin.register(DataJob)
class DataJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "year", "requested_by", "team", "status",
                    "progress_done", "progress_total", "finished_at")
    list_filter = ("kind", "status", "year", "created_at")
    list_select_related = ("requested_by", "team")
    search_fields = ("=requested_by__username",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in DataJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
