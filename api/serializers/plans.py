"""Pathway plans and goals: what is shown, and what a change may carry.

People are shown by id only: a young person reading their plan sees who wrote things down or owns
a goal as an id, never another person's name."""

from __future__ import annotations

from rest_framework import serializers

from api.base import RecordSerializer
from api.strict import (
    StrictCharField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
    StrictSerializer,
    choice_field,
)
from outcomes.models import (
    Goal,
    GoalAction,
    GoalProgress,
    GoalStatus,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    User,
    YoungPersonView,
)

# Assessments and views are free text, but a body is not a file store: longer text is refused,
# not cut.
TEXT_MAX_LENGTH = 20_000


# --- What is shown ---


class YoungPersonViewSerializer(RecordSerializer):
    class Meta:
        model = YoungPersonView
        fields = ["id", "section", "text", "expressed_on", "channel", "recorded_by",
                  "recorded_at"]
        read_only_fields = fields


class GoalActionSerializer(RecordSerializer):
    class Meta:
        model = GoalAction
        fields = ["id", "description", "owner", "due_on", "done_on"]
        read_only_fields = fields


class GoalProgressSerializer(RecordSerializer):
    class Meta:
        model = GoalProgress
        fields = ["id", "goal", "status", "note", "actor", "channel", "recorded_at"]
        read_only_fields = fields


class RecordedProgressSerializer(GoalProgressSerializer):
    """A new progress entry, with the goal's version after it, for the client's next change."""

    goal_version = serializers.IntegerField(source="goal.version", read_only=True)

    class Meta(GoalProgressSerializer.Meta):
        fields = [*GoalProgressSerializer.Meta.fields, "goal_version"]
        read_only_fields = fields


class PlanGoalSerializer(RecordSerializer):
    """A goal within its plan section."""

    actions = GoalActionSerializer(many=True, read_only=True)
    progress = GoalProgressSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "description", "owner", "target_date", "status", "version", "actions",
                  "progress"]
        read_only_fields = fields


class GoalSerializer(PlanGoalSerializer):
    """A goal on its own, with where it sits."""

    young_person = serializers.IntegerField(source="section.plan.young_person_id",
                                            read_only=True)
    plan = serializers.IntegerField(source="section.plan_id", read_only=True)
    heading = serializers.CharField(source="section.heading", read_only=True)

    class Meta(PlanGoalSerializer.Meta):
        fields = ["id", "young_person", "plan", "section", "heading",
                  *PlanGoalSerializer.Meta.fields[1:]]
        read_only_fields = fields


class PlanSectionSerializer(RecordSerializer):
    heading_label = serializers.CharField(source="get_heading_display", read_only=True)
    views = YoungPersonViewSerializer(many=True, read_only=True,
                                      help_text="The young person's views, in their own words.")
    goals = PlanGoalSerializer(many=True, read_only=True)

    class Meta:
        model = PlanSection
        fields = ["id", "heading", "heading_label", "assessment", "views", "goals"]
        read_only_fields = fields


class PathwayPlanSerializer(RecordSerializer):
    class Meta:
        model = PathwayPlan
        fields = ["id", "young_person", "number", "status", "agreed_on", "created_by",
                  "created_at", "updated_at", "version"]
        read_only_fields = fields


class PathwayPlanDetailSerializer(PathwayPlanSerializer):
    sections = PlanSectionSerializer(many=True, read_only=True)

    class Meta(PathwayPlanSerializer.Meta):
        fields = [*PathwayPlanSerializer.Meta.fields, "sections"]
        read_only_fields = fields


# --- What a change may carry (JSON; unknown fields are refused) ---


def _owner_field(**kwargs) -> StrictPrimaryKeyRelatedField:
    return StrictPrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Who makes sure it happens (user id): the young person or one of their "
                  "workers.", **kwargs)


class PlanCreateInput(StrictSerializer):
    young_person = StrictIntegerField(help_text="The young person's id.")


class SectionChangeInput(StrictSerializer):
    heading = choice_field(PlanHeading.choices)
    assessment = StrictCharField(allow_blank=True, max_length=TEXT_MAX_LENGTH,
                                 trim_whitespace=False)


class PlanChangeInput(StrictSerializer):
    sections = serializers.ListField(
        child=SectionChangeInput(), allow_empty=False, max_length=len(PlanHeading),
        help_text="The sections to change, by heading; the others are left as they are.")

    def validate_sections(self, sections: list[dict]) -> list[dict]:
        headings = [s["heading"] for s in sections]
        if len(set(headings)) != len(headings):
            raise serializers.ValidationError("Each heading may appear only once.")
        return sections


class PlanAgreeInput(StrictSerializer):
    agreed_on = serializers.DateField()


class GoalCreateInput(StrictSerializer):
    section = StrictIntegerField(help_text="The plan section (id) the goal belongs to.")
    description = StrictCharField(max_length=Goal._meta.get_field("description").max_length)
    owner = _owner_field()
    target_date = serializers.DateField(required=False, allow_null=True, default=None)


class GoalChangeInput(StrictSerializer):
    description = StrictCharField(max_length=Goal._meta.get_field("description").max_length,
                                  required=False)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = choice_field(GoalStatus.choices, required=False)
    owner = _owner_field(required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError("Nothing to change.")
        return attrs


class GoalProgressInput(StrictSerializer):
    status = choice_field(GoalStatus.choices)
    note = StrictCharField(allow_blank=True, default="", trim_whitespace=False,
                           max_length=GoalProgress._meta.get_field("note").max_length)
    version = StrictIntegerField(
        required=False,
        help_text="The goal's version you read, for clients that cannot send If-Match.")


class YoungPersonViewInput(StrictSerializer):
    text = StrictCharField(max_length=TEXT_MAX_LENGTH, help_text="In their own words.")
    expressed_on = serializers.DateField(help_text="When they said it.")
