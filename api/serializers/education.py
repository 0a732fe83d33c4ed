"""Education records, and care leavers' activity and accommodation (OC3)."""

from __future__ import annotations

from rest_framework import serializers

from outcomes import codes
from outcomes.models import Attendance, CareLeaverRecord, KS2Result, KS4Result, SchoolEnrolment
from outcomes.models.education import academic_year_label

from .fields import CodeLabelField, LabelledRecordSerializer


class AcademicYearLabelField(serializers.CharField):
    """2024 -> "2023/24": academic years are named by the year they end."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="academic_year", read_only=True, **kwargs)

    def to_representation(self, value: int) -> str:
        return academic_year_label(value)


class SchoolEnrolmentSerializer(LabelledRecordSerializer):
    class Meta:
        model = SchoolEnrolment
        fields = ["id", "young_person", "urn", "school_name", "started_on", "ended_on"]
        read_only_fields = fields


class KS2ResultSerializer(LabelledRecordSerializer):
    academic_year_label = AcademicYearLabelField()
    rwm_expected = serializers.BooleanField(
        read_only=True, help_text="Expected standard in reading, writing and maths together.")

    class Meta:
        model = KS2Result
        fields = ["id", "young_person", "academic_year", "academic_year_label",
                  "reading_expected", "writing_expected", "maths_expected", "rwm_expected",
                  "reading_scaled", "maths_scaled", "sen_status"]
        read_only_fields = fields


class KS4ResultSerializer(LabelledRecordSerializer):
    academic_year_label = AcademicYearLabelField()

    class Meta:
        model = KS4Result
        fields = ["id", "young_person", "academic_year", "academic_year_label", "attainment8",
                  "english_grade", "maths_grade", "progress8", "sen_status"]
        read_only_fields = fields


class AttendanceSerializer(LabelledRecordSerializer):
    academic_year_label = AcademicYearLabelField()
    term_label = serializers.CharField(source="get_term_display", read_only=True)
    attendance_rate = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="Sessions attended over sessions possible (0 to 1); null when none possible.")

    class Meta:
        model = Attendance
        fields = ["id", "young_person", "academic_year", "academic_year_label", "term",
                  "term_label", "sessions_possible", "sessions_attended", "attendance_rate",
                  "suspensions", "permanently_excluded"]
        read_only_fields = fields


class CareLeaverRecordSerializer(LabelledRecordSerializer):
    """SSDA903 OC3: in touch, activity and accommodation around a birthday, with labels."""

    in_touch_label = CodeLabelField(codes.IN_TOUCH, source="in_touch")
    activity_label = CodeLabelField(codes.ACTIVITY, source="activity")
    accommodation_label = CodeLabelField(codes.ACCOMMODATION, source="accommodation")
    in_eet = serializers.BooleanField(
        read_only=True, allow_null=True,
        help_text="In education, employment or training; null when the activity is unknown.")
    suitably_housed = serializers.BooleanField(
        read_only=True, allow_null=True,
        help_text="In suitable accommodation; null when the accommodation is unknown.")

    class Meta:
        model = CareLeaverRecord
        fields = ["id", "young_person", "age", "recorded_on", "in_touch", "in_touch_label",
                  "activity", "activity_label", "accommodation", "accommodation_label",
                  "in_eet", "suitably_housed", "status", "recorded_by"]
        read_only_fields = fields
