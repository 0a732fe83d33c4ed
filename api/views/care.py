"""Care history, read-only: periods of care, SSDA903 episodes, connected-person approvals."""

from __future__ import annotations

from api.base import ScopedReadOnlyViewSet
from api.filters import young_person_filterset
from api.serializers.care import (
    ConnectedPersonApprovalSerializer,
    EpisodeSerializer,
    PeriodOfCareSerializer,
)
from outcomes.access import Area
from outcomes.models import ConnectedPersonApproval, Episode, PeriodOfCare


class PeriodOfCareViewSet(ScopedReadOnlyViewSet):
    """Periods of care: from the day a child started to be looked after to the day they stopped."""

    area = Area.CARE_HISTORY
    queryset = PeriodOfCare.objects.all()
    serializer_class = PeriodOfCareSerializer
    filterset_class = young_person_filterset(PeriodOfCare)
    ordering_fields = ["started_on"]
    ordering = ["young_person_id", "started_on", "pk"]


class EpisodeViewSet(ScopedReadOnlyViewSet):
    """SSDA903 episodes, each code with its label. A new episode starts on any change of legal
    status or placement."""

    area = Area.CARE_HISTORY
    queryset = Episode.objects.all()
    serializer_class = EpisodeSerializer
    filterset_class = young_person_filterset(Episode, "period_of_care", "legal_status", "place")
    ordering_fields = ["started_on"]
    ordering = ["young_person_id", "started_on", "pk"]


class ConnectedPersonApprovalViewSet(ScopedReadOnlyViewSet):
    """Regulation 24 temporary approvals of connected persons, any regulation 25 extension, and
    the day each approval runs out (expires_on)."""

    area = Area.CARE_HISTORY
    queryset = ConnectedPersonApproval.objects.select_related("nominated_officer",
                                                              "extension_approved_by")
    serializer_class = ConnectedPersonApprovalSerializer
    filterset_class = young_person_filterset(ConnectedPersonApproval)
    ordering_fields = ["approved_on"]
    ordering = ["young_person_id", "-approved_on", "-pk"]


ROUTES = [
    ("periods-of-care", PeriodOfCareViewSet, "period-of-care"),
    ("episodes", EpisodeViewSet, "episode"),
    ("connected-person-approvals", ConnectedPersonApprovalViewSet, "connected-person-approval"),
]
