"""A young person's chronology, and the trail of who has looked at their record."""

from __future__ import annotations

from rest_framework import serializers

from outcomes.models import AccessEvent

from .fields import LabelledRecordSerializer, user_name


class ChronologyEntrySerializer(serializers.Serializer):
    """One dated event, derived from the record named in `source`."""

    on = serializers.DateField(read_only=True)
    at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="The moment, for records that keep one (plans, goal progress).")
    kind = serializers.CharField(read_only=True, help_text='For example "episode.moved".')
    title = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True,
                                   help_text='The record: "<app>.<model>:<id>".')
    adviser_only = serializers.BooleanField(
        read_only=True, help_text="Left out of the young person's own view of their chronology.")


class AccessEventSerializer(LabelledRecordSerializer):
    actor_name = user_name("actor")
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = AccessEvent
        fields = ["id", "at", "actor", "actor_name", "what", "channel", "channel_label"]
        read_only_fields = fields
