"""Education (read-only): enrolments, key-stage results, attendance; and care leavers' activity
and accommodation (OC3)."""

from __future__ import annotations

from api.base import ScopedReadOnlyViewSet
from api.filters import young_person_filterset
from api.serializers.education import (
    AttendanceSerializer,
    CareLeaverRecordSerializer,
    KS2ResultSerializer,
    KS4ResultSerializer,
    SchoolEnrolmentSerializer,
)
from outcomes.access import Area
from outcomes.models import Attendance, CareLeaverRecord, KS2Result, KS4Result, SchoolEnrolment


class SchoolEnrolmentViewSet(ScopedReadOnlyViewSet):
    """The schools a young person has been on roll at."""

    area = Area.EDUCATION
    queryset = SchoolEnrolment.objects.all()
    serializer_class = SchoolEnrolmentSerializer
    filterset_class = young_person_filterset(SchoolEnrolment, "urn")
    ordering_fields = ["started_on"]
    ordering = ["young_person_id", "started_on", "pk"]


class KS2ResultViewSet(ScopedReadOnlyViewSet):
    """Key stage 2 results: expected standard in reading, writing and maths."""

    area = Area.EDUCATION
    queryset = KS2Result.objects.all()
    serializer_class = KS2ResultSerializer
    filterset_class = young_person_filterset(KS2Result, "academic_year")
    ordering_fields = ["academic_year"]
    ordering = ["young_person_id", "academic_year", "pk"]


class KS4ResultViewSet(ScopedReadOnlyViewSet):
    """Key stage 4 results: Attainment 8, English and maths grades, Progress 8."""

    area = Area.EDUCATION
    queryset = KS4Result.objects.all()
    serializer_class = KS4ResultSerializer
    filterset_class = young_person_filterset(KS4Result, "academic_year")
    ordering_fields = ["academic_year"]
    ordering = ["young_person_id", "academic_year", "pk"]


class AttendanceViewSet(ScopedReadOnlyViewSet):
    """Attendance and exclusions, one record per school term."""

    area = Area.EDUCATION
    queryset = Attendance.objects.all()
    serializer_class = AttendanceSerializer
    filterset_class = young_person_filterset(Attendance, "academic_year", "term")
    ordering_fields = ["academic_year"]
    ordering = ["young_person_id", "academic_year", "term", "pk"]  # autumn < spring < summer


class CareLeaverRecordViewSet(ScopedReadOnlyViewSet):
    """SSDA903 OC3 records: in touch, activity and accommodation around each birthday from 17."""

    area = Area.CARE_LEAVER
    queryset = CareLeaverRecord.objects.all()
    serializer_class = CareLeaverRecordSerializer
    filterset_class = young_person_filterset(CareLeaverRecord, "age", "status")
    ordering_fields = ["age", "recorded_on"]
    ordering = ["young_person_id", "age", "pk"]


ROUTES = [
    ("school-enrolments", SchoolEnrolmentViewSet, "school-enrolment"),
    ("ks2-results", KS2ResultViewSet, "ks2-result"),
    ("ks4-results", KS4ResultViewSet, "ks4-result"),
    ("attendance", AttendanceViewSet, "attendance"),
    ("care-leaver-records", CareLeaverRecordViewSet, "care-leaver-record"),
]
