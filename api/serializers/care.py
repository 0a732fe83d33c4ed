from __future__ import annotations

from rest_framework import serializers

from outcomes import codes
from outcomes.models import ConnectedPersonApproval, Episode, PeriodOfCare

from .fields import CodeLabelField, LabelledRecordSerializer, user_name


class PeriodOfCareSerializer(LabelledRecordSerializer):
    reason_ceased_label = CodeLabelField(codes.REASON_EPISODE_CEASED, source="reason_ceased")

    class Meta:
        model = PeriodOfCare
        fields = ["id", "young_person", "started_on", "ended_on", "reason_ceased",
                  "reason_ceased_label"]
        read_only_fields = fields


class EpisodeSerializer(LabelledRecordSerializer):
    """An SSDA903 episode: each code with the label from its code list."""

    reason_new_episode_label = CodeLabelField(codes.REASON_NEW_EPISODE,
                                              source="reason_new_episode")
    legal_status_label = CodeLabelField(codes.LEGAL_STATUS, source="legal_status")
    category_of_need_label = CodeLabelField(codes.CATEGORY_OF_NEED, source="category_of_need")
    place_label = CodeLabelField(codes.PLACEMENT_TYPE, source="place")
    place_provider_label = CodeLabelField(codes.PLACEMENT_PROVIDER, source="place_provider")
    reason_ceased_label = CodeLabelField(codes.REASON_EPISODE_CEASED, source="reason_ceased")
    reason_place_change_label = CodeLabelField(codes.REASON_PLACE_CHANGE,
                                               source="reason_place_change")
    is_temporary = serializers.BooleanField(read_only=True)

    class Meta:
        model = Episode
        fields = ["id", "young_person", "period_of_care", "started_on", "ended_on",
                  "reason_new_episode", "reason_new_episode_label", "legal_status",
                  "legal_status_label", "category_of_need", "category_of_need_label", "place",
                  "place_label", "place_provider", "place_provider_label", "reason_ceased",
                  "reason_ceased_label", "reason_place_change", "reason_place_change_label",
                  "home_postcode", "placement_postcode", "urn", "is_temporary"]
        read_only_fields = fields


class ConnectedPersonApprovalSerializer(LabelledRecordSerializer):
    """A regulation 24 approval, its regulation 25 extension, and when it runs out."""

    nominated_officer_name = user_name("nominated_officer")
    extension_approved_by_name = user_name("extension_approved_by")
    expires_on = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="The last day of the temporary approval (with any extension); null once "
                  "fully approved as a foster carer.")

    class Meta:
        model = ConnectedPersonApproval
        fields = ["id", "young_person", "carer_name", "relationship", "approved_on",
                  "nominated_officer", "nominated_officer_name", "extended_until", "panel_view",
                  "iro_informed_on", "extension_approved_by", "extension_approved_by_name",
                  "fully_approved_on", "ended_on", "expires_on"]
        read_only_fields = fields
