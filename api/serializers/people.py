from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from api.base import RecordSerializer
from outcomes.models import Allocation, YoungPerson


class YoungPersonSerializer(RecordSerializer):
    age = serializers.SerializerMethodField()
    team_name = serializers.CharField(source="team.name", read_only=True)
    care_leaver_category = serializers.SerializerMethodField()

    class Meta:
        model = YoungPerson
        fields = ["id", "child_id", "legal_first_name", "legal_last_name", "preferred_name",
                  "display_name", "date_of_birth", "age", "sex", "ethnicity", "upn", "uasc",
                  "disability", "sen_status", "team", "team_name", "preferred_contact", "phone",
                  "email", "contact_notes", "care_leaver_category"]
        read_only_fields = fields

    def get_age(self, obj: YoungPerson) -> int:
        return obj.age_on(timezone.localdate())

    def get_care_leaver_category(self, obj: YoungPerson) -> str | None:
        """From the statuses the view computed for the page (see YoungPersonViewSet)."""
        status = self.context.get("care_leaver_statuses", {}).get(obj.pk)
        return status.category.value if status else None


class AllocationSerializer(RecordSerializer):
    worker_name = serializers.CharField(source="worker.get_full_name", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "young_person", "worker", "worker_name", "role", "started_on", "ended_on"]
        read_only_fields = fields


class TelegramLinkCodeSerializer(serializers.Serializer):
    """A one-time link code, shown once: only its hash is kept."""

    code = serializers.CharField(read_only=True,
                                 help_text="Works once, until expires_at. Only its hash is kept.")
    url = serializers.URLField(read_only=True,
                               help_text="Opens the bot with the code: https://t.me/<bot>?start=…")
    expires_at = serializers.DateTimeField(read_only=True)
