"""Reviews, assessments, visits and contacts: what is shown, and what a POST may carry."""

from __future__ import annotations

from rest_framework import serializers

from api.strict import (
    StrictCharField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
    StrictSerializer,
    choice_field,
)
from outcomes import codes
from outcomes.models import (
    CLAReview,
    HealthAssessment,
    NeedsAssessment,
    PAContact,
    PathwayPlanReview,
    PEPReview,
    Role,
    SocialWorkerVisit,
    User,
)
from outcomes.models.reviews import ContactMethod, HealthAssessmentKind

from .fields import CodeLabelField, LabelledRecordSerializer, user_name

# A case note is free text, but a body is not a file store: longer notes are refused, not cut.
NOTE_MAX_LENGTH = 20_000


class CLAReviewSerializer(LabelledRecordSerializer):
    chair_name = user_name("chair")
    participation_label = CodeLabelField(codes.REVIEW_PARTICIPATION, source="participation")

    class Meta:
        model = CLAReview
        fields = ["id", "young_person", "held_on", "chair", "chair_name", "participation",
                  "participation_label"]
        read_only_fields = fields


class PathwayPlanReviewSerializer(LabelledRecordSerializer):
    plan_number = serializers.IntegerField(source="plan.number", read_only=True, allow_null=True)
    reviewer_name = user_name("reviewer")

    class Meta:
        model = PathwayPlanReview
        fields = ["id", "young_person", "plan", "plan_number", "held_on", "reviewer",
                  "reviewer_name", "outcome"]
        read_only_fields = fields


class PEPReviewSerializer(LabelledRecordSerializer):
    class Meta:
        model = PEPReview
        fields = ["id", "young_person", "held_on", "school_urn", "summary", "targets"]
        read_only_fields = fields


class NeedsAssessmentSerializer(LabelledRecordSerializer):
    assessor_name = user_name("assessor")

    class Meta:
        model = NeedsAssessment
        fields = ["id", "young_person", "completed_on", "assessor", "assessor_name", "summary"]
        read_only_fields = fields


class HealthAssessmentSerializer(LabelledRecordSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HealthAssessment
        fields = ["id", "young_person", "kind", "kind_label", "held_on"]
        read_only_fields = fields


class SocialWorkerVisitSerializer(LabelledRecordSerializer):
    worker_name = user_name("worker")

    class Meta:
        model = SocialWorkerVisit
        fields = ["id", "young_person", "visited_on", "worker", "worker_name", "seen_alone",
                  "note"]
        read_only_fields = fields


class PAContactSerializer(LabelledRecordSerializer):
    adviser_name = user_name("adviser")
    method_label = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = PAContact
        fields = ["id", "young_person", "contact_on", "adviser", "adviser_name", "method",
                  "method_label", "note"]
        read_only_fields = fields


# --- What a POST may carry (JSON). The worker is the one signed in; unknown fields are refused.


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only (or null where allowed): "yes", 1 and "maybe" are refused."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class _YoungPersonInput(StrictSerializer):
    young_person = StrictIntegerField(help_text="The young person's id.")


class SocialWorkerVisitInput(_YoungPersonInput):
    visited_on = serializers.DateField()
    seen_alone = StrictBooleanField(
        allow_null=True, default=None,
        help_text="Leave out (or null) when not recorded: a child may refuse to be seen alone.")
    note = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                           trim_whitespace=False)


class PAContactInput(_YoungPersonInput):
    contact_on = serializers.DateField()
    method = choice_field(ContactMethod.choices)
    note = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                           trim_whitespace=False)


class CLAReviewInput(_YoungPersonInput):
    held_on = serializers.DateField()
    participation = choice_field(codes.choices(codes.REVIEW_PARTICIPATION),
                                 help_text="SSDA903 REVIEW_CODE, PN0 to PN7.")
    chair = StrictPrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.IRO, is_active=True), allow_null=True,
        default=None, help_text="The IRO who chaired the review (user id), if recorded.")


class PathwayPlanReviewInput(_YoungPersonInput):
    held_on = serializers.DateField()
    outcome = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                              trim_whitespace=False, help_text="What was decided.")


class NeedsAssessmentInput(_YoungPersonInput):
    completed_on = serializers.DateField()
    summary = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                              trim_whitespace=False)


class HealthAssessmentInput(_YoungPersonInput):
    kind = choice_field(HealthAssessmentKind.choices)
    held_on = serializers.DateField()


class PEPReviewInput(_YoungPersonInput):
    held_on = serializers.DateField()
    school_urn = StrictCharField(allow_blank=True, default="", max_length=8)
    targets = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                              trim_whitespace=False)
    summary = StrictCharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                              trim_whitespace=False)
