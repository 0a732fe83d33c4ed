"""Admin for care history: periods of care, SSDA903 episodes, connected-person approvals, and
adoption (the decision that a child should be placed for adoption, and the adoption)."""

from __future__ import annotations

from django.contrib import admin

from outcomes.models import (
    Adoption,
    AdoptionDecision,
    ConnectedPersonApproval,
    Episode,
    PeriodOfCare,
)

from .base import ChildRecordAdmin, ReadOnlyInline, code_column


class PeriodOfCareInline(ReadOnlyInline):
    model = PeriodOfCare
    fields = ("started_on", "ended_on", "reason_ceased")


class EpisodeInline(ReadOnlyInline):
    model = Episode
    fields = ("started_on", "ended_on", "reason_new_episode", "legal_status", "place",
              "place_provider", "reason_ceased")


@admin.register(PeriodOfCare)
class PeriodOfCareAdmin(ChildRecordAdmin):
    list_display = ("young_person", "started_on", "ended_on",
                    code_column(PeriodOfCare, "reason_ceased"))
    list_filter = ("ended_on", "reason_ceased")
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id", "young_person__legal_last_name")
    autocomplete_fields = ("young_person",)
    date_hierarchy = "started_on"
    ordering = ("-started_on", "-id")
    inlines = (EpisodeInline,)


@admin.register(Episode)
class EpisodeAdmin(ChildRecordAdmin):
    """SSDA903 episodes, headed with the return's own names (DECOM, DEC, LS, PLACE, REC)."""

    list_display = (
        "young_person", "started_on", "ended_on",
        code_column(Episode, "reason_new_episode"), code_column(Episode, "legal_status"),
        code_column(Episode, "category_of_need"), code_column(Episode, "place"),
        code_column(Episode, "place_provider"), code_column(Episode, "reason_ceased"),
    )
    list_filter = ("place", "legal_status", "reason_ceased", "reason_new_episode", "ended_on",
                   "young_person__team")
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id", "young_person__legal_last_name", "=urn",
                     "=placement_postcode")
    autocomplete_fields = ("young_person",)
    # Periods of care are many and their names carry no child: pick one by its id, or from the
    # pop-up list, which shows whose it is.
    raw_id_fields = ("period_of_care",)
    date_hierarchy = "started_on"
    ordering = ("-started_on", "-id")
    fieldsets = (
        (None, {"fields": ("young_person", "period_of_care")}),
        ("Episode", {"fields": ("started_on", "reason_new_episode", "legal_status",
                                "category_of_need", "ended_on", "reason_ceased")}),
        ("Placement", {"fields": ("place", "place_provider", "reason_place_change",
                                  "home_postcode", "placement_postcode", "urn")}),
    )


@admin.register(ConnectedPersonApproval)
class ConnectedPersonApprovalAdmin(ChildRecordAdmin):
    list_display = ("young_person", "carer_name", "relationship", "approved_on", "expires_on",
                    "extended_until", "fully_approved_on", "ended_on")
    list_filter = ("fully_approved_on", "extended_until", "ended_on")
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id", "young_person__legal_last_name", "carer_name")
    autocomplete_fields = ("young_person", "nominated_officer", "extension_approved_by")
    date_hierarchy = "approved_on"
    ordering = ("-approved_on", "-id")
    fieldsets = (
        (None, {"fields": ("young_person", "carer_name", "relationship")}),
        ("Temporary approval (reg 24)", {"fields": ("approved_on", "nominated_officer")}),
        ("Extension (reg 25)", {"fields": ("extended_until", "panel_view", "iro_informed_on",
                                           "extension_approved_by")}),
        ("Outcome", {"fields": ("fully_approved_on", "ended_on")}),
    )

    @admin.display(description="temporary approval expires")
    def expires_on(self, obj: ConnectedPersonApproval):
        return obj.expires_on


@admin.register(AdoptionDecision)
class AdoptionDecisionAdmin(ChildRecordAdmin):
    """SSDA903 PlacedAdoption: DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED."""

    list_display = ("young_person", "decided_on", "reversed_on",
                    code_column(AdoptionDecision, "reversal_reason"))
    list_filter = ("reversal_reason",)
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id", "young_person__legal_last_name")
    autocomplete_fields = ("young_person",)
    date_hierarchy = "decided_on"
    ordering = ("-decided_on", "-id")


@admin.register(Adoption)
class AdoptionAdmin(ChildRecordAdmin):
    """SSDA903 AD1."""

    list_display = ("young_person", "best_interests_on", "matched_on", "by_foster_carers",
                    code_column(Adoption, "number_of_adopters"),
                    code_column(Adoption, "sex_of_adopters"),
                    code_column(Adoption, "legal_status_of_adopters"))
    list_filter = ("by_foster_carers", "number_of_adopters", "legal_status_of_adopters")
    list_select_related = ("young_person",)
    search_fields = ("=young_person__child_id", "young_person__legal_last_name")
    autocomplete_fields = ("young_person",)
    date_hierarchy = "matched_on"
    ordering = ("-matched_on", "-id")
