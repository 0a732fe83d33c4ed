"""Admin for reviews, assessments, visits and contacts."""

from __future__ import annotations

from django.contrib import admin

from outcomes.models import (
    CLAReview,
    HealthAssessment,
    NeedsAssessment,
    OutcomesRecord,
    PAContact,
    PathwayPlanReview,
    PEPReview,
    SocialWorkerVisit,
)

from .base import ChildRecordAdmin, code_column

CHILD_SEARCH = ("=young_person__child_id", "young_person__legal_last_name")


@admin.register(CLAReview)
class CLAReviewAdmin(ChildRecordAdmin):
    list_display = ("young_person", "held_on", "chair", code_column(CLAReview, "participation"))
    list_filter = ("participation", "held_on", "young_person__team")
    list_select_related = ("young_person", "chair")
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person", "chair")
    date_hierarchy = "held_on"
    ordering = ("-held_on", "-id")


@admin.register(PathwayPlanReview)
class PathwayPlanReviewAdmin(ChildRecordAdmin):
    list_display = ("young_person", "held_on", "plan", "reviewer")
    list_filter = ("held_on", "young_person__team")
    list_select_related = ("young_person", "plan", "reviewer")
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person", "reviewer")
    raw_id_fields = ("plan",)
    date_hierarchy = "held_on"
    ordering = ("-held_on", "-id")


@admin.register(PEPReview)
class PEPReviewAdmin(ChildRecordAdmin):
    list_display = ("young_person", "held_on", "school_urn")
    list_filter = ("held_on", "young_person__team")
    list_select_related = ("young_person",)
    search_fields = (*CHILD_SEARCH, "=school_urn")
    autocomplete_fields = ("young_person",)
    date_hierarchy = "held_on"
    ordering = ("-held_on", "-id")


@admin.register(HealthAssessment)
class HealthAssessmentAdmin(ChildRecordAdmin):
    list_display = ("young_person", "kind", "held_on")
    list_filter = ("kind", "held_on", "young_person__team")
    list_select_related = ("young_person",)
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person",)
    date_hierarchy = "held_on"
    ordering = ("-held_on", "-id")


@admin.register(SocialWorkerVisit)
class SocialWorkerVisitAdmin(ChildRecordAdmin):
    list_display = ("young_person", "visited_on", "worker", "seen_alone")
    list_filter = ("seen_alone", "visited_on", "young_person__team")
    list_select_related = ("young_person", "worker")
    search_fields = (*CHILD_SEARCH, "=worker__username")
    autocomplete_fields = ("young_person", "worker")
    date_hierarchy = "visited_on"
    ordering = ("-visited_on", "-id")


@admin.register(PAContact)
class PAContactAdmin(ChildRecordAdmin):
    list_display = ("young_person", "contact_on", "adviser", "method")
    list_filter = ("method", "contact_on", "young_person__team")
    list_select_related = ("young_person", "adviser")
    search_fields = (*CHILD_SEARCH, "=adviser__username")
    autocomplete_fields = ("young_person", "adviser")
    date_hierarchy = "contact_on"
    ordering = ("-contact_on", "-id")


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(ChildRecordAdmin):
    list_display = ("young_person", "completed_on", "assessor")
    list_filter = ("completed_on", "young_person__team")
    list_select_related = ("young_person", "assessor")
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person", "assessor")
    date_hierarchy = "completed_on"
    ordering = ("-completed_on", "-id")


@admin.register(OutcomesRecord)
class OutcomesRecordAdmin(ChildRecordAdmin):
    """SSDA903 OC2: outcomes of children looked after continuously for 12 months."""

    list_display = ("young_person", "collection_year", "sdq_score",
                    code_column(OutcomesRecord, "sdq_reason"), "health_assessment",
                    "immunisations", "teeth_check", "substance_misuse", "convicted")
    list_filter = ("collection_year", "sdq_reason", "health_assessment", "substance_misuse")
    list_select_related = ("young_person",)
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person",)
    ordering = ("-collection_year", "-id")
