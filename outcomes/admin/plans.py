"""Admin for pathway plans: plans and their sections, the young person's views, goals,
actions, and the append-only progress log."""

from __future__ import annotations

from django.contrib import admin

from outcomes import services
from outcomes.models import (
    Channel,
    Goal,
    GoalAction,
    GoalProgress,
    PathwayPlan,
    PlanSection,
    YoungPersonView,
)

from .base import (
    AuditedReadsMixin,
    ChildRecordAdmin,
    ReadOnlyInline,
    VersionedAdminMixin,
    young_person_column,
)


class PlanSectionInline(admin.TabularInline):
    model = PlanSection
    fields = ("heading", "assessment")
    extra = 0
    show_change_link = True


@admin.register(PathwayPlan)
class PathwayPlanAdmin(VersionedAdminMixin, ChildRecordAdmin):
    list_display = ("young_person", "number", "status", "agreed_on", "version", "created_by",
                    "updated_at")
    list_filter = ("status", "agreed_on")
    list_select_related = ("young_person", "created_by")
    search_fields = ("=young_person__child_id", "young_person__legal_last_name")
    autocomplete_fields = ("young_person", "created_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "agreed_on"
    ordering = ("-created_at", "-id")
    inlines = (PlanSectionInline,)

    def get_changeform_initial_data(self, request):
        return {"created_by": request.user.pk, **super().get_changeform_initial_data(request)}


class YoungPersonViewInline(ReadOnlyInline):
    model = YoungPersonView
    fields = ("expressed_on", "text", "recorded_by", "channel")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = ("description", "owner", "target_date", "status")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


@admin.register(PlanSection)
class PlanSectionAdmin(ChildRecordAdmin):
    young_person_lookup = "plan__young_person"
    list_display = (young_person_column("plan.young_person"), "plan", "heading")
    list_filter = ("heading", "plan__status")
    list_select_related = ("plan__young_person",)
    search_fields = ("=plan__young_person__child_id", "plan__young_person__legal_last_name")
    raw_id_fields = ("plan",)
    ordering = ("-id",)
    inlines = (YoungPersonViewInline, GoalInline)


@admin.register(YoungPersonView)
class YoungPersonViewAdmin(ChildRecordAdmin):
    young_person_lookup = "section__plan__young_person"
    list_display = (young_person_column("section.plan.young_person"), "section", "expressed_on",
                    "recorded_by", "channel", "recorded_at")
    list_filter = ("channel", "section__heading")
    list_select_related = ("section__plan__young_person", "recorded_by")
    search_fields = ("=section__plan__young_person__child_id",
                     "section__plan__young_person__legal_last_name")
    raw_id_fields = ("section",)
    autocomplete_fields = ("recorded_by",)
    readonly_fields = ("recorded_at",)
    date_hierarchy = "expressed_on"
    ordering = ("-expressed_on", "-id")

    def get_changeform_initial_data(self, request):
        initial = {"recorded_by": request.user.pk, "channel": Channel.ADMIN}
        return {**initial, **super().get_changeform_initial_data(request)}


class GoalActionInline(ReadOnlyInline):
    model = GoalAction
    fields = ("description", "owner", "due_on", "done_on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


class GoalProgressInline(ReadOnlyInline):
    model = GoalProgress
    fields = ("recorded_at", "status", "note", "actor", "channel")
    readonly_fields = ("recorded_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Goal)
class GoalAdmin(VersionedAdminMixin, ChildRecordAdmin):
    young_person_lookup = "section__plan__young_person"
    list_display = ("description", young_person_column("section.plan.young_person"), "section",
                    "owner", "target_date", "status", "version")
    list_filter = ("status", "section__heading", "target_date")
    list_select_related = ("section__plan__young_person", "owner")
    search_fields = ("description", "=section__plan__young_person__child_id",
                     "section__plan__young_person__legal_last_name")
    raw_id_fields = ("section",)
    autocomplete_fields = ("owner",)
    ordering = ("-id",)
    inlines = (GoalActionInline, GoalProgressInline)


@admin.register(GoalAction)
class GoalActionAdmin(ChildRecordAdmin):
    young_person_lookup = "goal__section__plan__young_person"
    list_display = ("description", young_person_column("goal.section.plan.young_person"),
                    "goal", "owner", "due_on", "done_on")
    list_filter = ("due_on", "done_on")
    list_select_related = ("goal__section__plan__young_person", "owner")
    search_fields = ("description", "=goal__section__plan__young_person__child_id",
                     "goal__section__plan__young_person__legal_last_name")
    raw_id_fields = ("goal",)
    autocomplete_fields = ("owner",)
    date_hierarchy = "due_on"
    ordering = ("-id",)


@admin.register(GoalProgress)
class GoalProgressAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """The progress log is append-only: entries are added, never changed or removed. An entry
    added here is the admin user's own, through the admin channel."""

    young_person_lookup = "goal__section__plan__young_person"
    list_display = ("goal", young_person_column("goal.section.plan.young_person"), "status",
                    "actor", "channel", "recorded_at")
    list_filter = ("status", "channel", "recorded_at")
    list_select_related = ("goal__section__plan__young_person", "actor")
    search_fields = ("goal__description", "=goal__section__plan__young_person__child_id",
                     "goal__section__plan__young_person__legal_last_name")
    raw_id_fields = ("goal",)
    fields = ("goal", "status", "note", "actor", "channel", "recorded_at")
    readonly_fields = ("actor", "channel", "recorded_at")
    ordering = ("-recorded_at", "-id")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, so the goal's status and version move with its log.
        progress = services.goal_progress_record(
            actor=request.user, goal=obj.goal, status=obj.status, note=obj.note,
            channel=Channel.ADMIN, expected_version=obj.goal.version,
        )
        obj.pk, obj.actor, obj.channel = progress.pk, progress.actor, progress.channel
        obj.recorded_at = progress.recorded_at
        obj._state.adding = False
