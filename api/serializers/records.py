"""A young person's chronology, and the trail of who has looked at their record."""

from __future__ import annotations

from rest_framework import serializers

from outcomes.models import AccessEvent
from outcomes.rules.schedule import EventKind, Responsible, State

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


class ScheduleItemSerializer(serializers.Serializer):
    """One statutory event: when it is due, why, under which rule, and where it stands."""

    kind = serializers.ChoiceField(choices=[k.value for k in EventKind], read_only=True)
    key = serializers.CharField(read_only=True, help_text="Stable for this occurrence.")
    title = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True,
                                   help_text="Empty when data must be put right first.")
    state = serializers.ChoiceField(choices=[s.value for s in State], read_only=True)
    rule = serializers.CharField(read_only=True, help_text="The regulation that sets the date.")
    reason = serializers.CharField(read_only=True, help_text="Why this date, in plain words.")
    responsible = serializers.ChoiceField(choices=[r.value for r in Responsible], read_only=True)
    for_young_person = serializers.BooleanField(read_only=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)


class AccessEventSerializer(LabelledRecordSerializer):
    actor_name = user_name("actor")
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = AccessEvent
        fields = ["id", "at", "actor", "actor_name", "what", "channel", "channel_label"]
        read_only_fields = fields
