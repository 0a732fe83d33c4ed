"""Admin for education, care-leaver records and the national benchmarks."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from outcomes.models import (
    Attendance,
    CareLeaverRecord,
    KS2Result,
    KS4Result,
    NationalBenchmark,
    SchoolEnrolment,
)
from outcomes.models.education import academic_year_label

from .base import ChildRecordAdmin, code_column
from .reviews import CHILD_SEARCH


@admin.display(description="academic year", ordering="academic_year")
def academic_year(obj) -> str:
    return academic_year_label(obj.academic_year)


@admin.register(SchoolEnrolment)
class SchoolEnrolmentAdmin(ChildRecordAdmin):
    list_display = ("young_person", "school_name", "urn", "started_on", "ended_on")
    list_filter = ("ended_on", "young_person__team")
    list_select_related = ("young_person",)
    search_fields = (*CHILD_SEARCH, "school_name", "=urn")
    autocomplete_fields = ("young_person",)
    date_hierarchy = "started_on"
    ordering = ("-started_on", "-id")


@admin.register(KS2Result)
class KS2ResultAdmin(ChildRecordAdmin):
    list_display = ("young_person", academic_year, "reading_expected", "writing_expected",
                    "maths_expected", "rwm_expected", "reading_scaled", "maths_scaled",
                    "sen_status")
    list_filter = ("academic_year", "sen_status", "reading_expected", "writing_expected",
                   "maths_expected")
    list_select_related = ("young_person",)
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person",)
    ordering = ("-academic_year", "-id")

    @admin.display(description="RWM expected", boolean=True)
    def rwm_expected(self, obj: KS2Result) -> bool:
        return obj.rwm_expected


@admin.register(KS4Result)
class KS4ResultAdmin(ChildRecordAdmin):
    list_display = ("young_person", academic_year, "attainment8", "english_grade",
                    "maths_grade", "progress8", "sen_status")
    list_filter = ("academic_year", "sen_status")
    list_select_related = ("young_person",)
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person",)
    ordering = ("-academic_year", "-id")


@admin.register(Attendance)
class AttendanceAdmin(ChildRecordAdmin):
    list_display = ("young_person", academic_year, "term", "sessions_possible",
                    "sessions_attended", "rate", "suspensions", "permanently_excluded")
    list_filter = ("academic_year", "term", "permanently_excluded")
    list_select_related = ("young_person",)
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person",)
    ordering = ("-academic_year", "-id")

    @admin.display(description="attendance")
    def rate(self, obj: Attendance) -> str:
        rate = obj.attendance_rate
        return "-" if rate is None else f"{rate:.1%}"


@admin.register(CareLeaverRecord)
class CareLeaverRecordAdmin(ChildRecordAdmin):
    list_display = ("young_person", "age", "recorded_on",
                    code_column(CareLeaverRecord, "in_touch"),
                    code_column(CareLeaverRecord, "activity"),
                    code_column(CareLeaverRecord, "accommodation"), "status", "recorded_by")
    list_filter = ("status", "age", "in_touch", "activity", "accommodation", "young_person__team")
    list_select_related = ("young_person", "recorded_by")
    search_fields = CHILD_SEARCH
    autocomplete_fields = ("young_person", "recorded_by")
    date_hierarchy = "recorded_on"
    ordering = ("-recorded_on", "-id")


@admin.register(NationalBenchmark)
class NationalBenchmarkAdmin(SimpleHistoryAdmin):
    list_display = ("measure", "cohort", academic_year, "value", "source_link")
    list_filter = ("measure", "cohort", "academic_year")
    search_fields = ("note", "source")
    ordering = ("measure", "-academic_year", "cohort")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="source")
    def source_link(self, obj: NationalBenchmark) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer">source</a>', obj.source)
