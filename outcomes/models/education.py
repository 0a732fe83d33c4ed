"""Education: schools, key-stage results, attendance; care-leaver activity and accommodation;
the national benchmarks the attainment gap is measured against."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from outcomes import codes

from .people import SENStatus, User, YoungPerson


def academic_year_label(year: int) -> str:
    """2024 -> '2023/24': academic years are named by the year they end."""
    return f"{year - 1}/{str(year)[2:]}"


class SchoolEnrolment(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="enrolments")
    urn = models.CharField("School URN", max_length=8)
    school_name = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "started_on"]
        constraints = [
            models.CheckConstraint(
                name="enrolment_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                violation_error_message="An enrolment cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_name} from {self.started_on:%d/%m/%Y}"


ACADEMIC_YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class KS2Result(models.Model):
    """Key stage 2: expected standard in reading, writing and maths (REFERENCE.md §4)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="ks2_results")
    academic_year = models.PositiveSmallIntegerField(
        validators=ACADEMIC_YEAR_VALIDATORS, help_text="The year the academic year ends: 2024 = 2023/24."
    )
    reading_expected = models.BooleanField()
    writing_expected = models.BooleanField(help_text="Teacher assessment")
    maths_expected = models.BooleanField()
    reading_scaled = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(80), MaxValueValidator(120)]
    )
    maths_scaled = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(80), MaxValueValidator(120)]
    )
    sen_status = models.CharField("SEN status at the time", max_length=12,
                                  choices=SENStatus.choices, default=SENStatus.NONE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "academic_year"]
        verbose_name = "KS2 result"
        constraints = [
            models.UniqueConstraint(fields=["young_person"], name="one_ks2_result",
                                    violation_error_message="KS2 results are already recorded."),
            models.CheckConstraint(
                name="ks2_scaled_scores_in_range",
                condition=(Q(reading_scaled__isnull=True)
                           | Q(reading_scaled__gte=80, reading_scaled__lte=120))
                & (Q(maths_scaled__isnull=True) | Q(maths_scaled__gte=80, maths_scaled__lte=120)),
                violation_error_message="Scaled scores run from 80 to 120.",
            ),
        ]

    def __str__(self) -> str:
        return f"KS2 {academic_year_label(self.academic_year)}"

    @property
    def rwm_expected(self) -> bool:
        return self.reading_expected and self.writing_expected and self.maths_expected


class KS4Result(models.Model):
    """Key stage 4: Attainment 8 (max 90 since 2018) and English and maths grades."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="ks4_results")
    academic_year = models.PositiveSmallIntegerField(validators=ACADEMIC_YEAR_VALIDATORS)
    attainment8 = models.DecimalField(
        "Attainment 8", max_digits=4, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    english_grade = models.PositiveSmallIntegerField(validators=[MaxValueValidator(9)])
    maths_grade = models.PositiveSmallIntegerField(validators=[MaxValueValidator(9)])
    progress8 = models.DecimalField(
        "Progress 8", max_digits=4, decimal_places=2, null=True, blank=True,
        help_text="Blank where not published (2024/25 and 2025/26).",
    )
    sen_status = models.CharField("SEN status at the time", max_length=12,
                                  choices=SENStatus.choices, default=SENStatus.NONE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "academic_year"]
        verbose_name = "KS4 result"
        constraints = [
            models.UniqueConstraint(fields=["young_person"], name="one_ks4_result",
                                    violation_error_message="KS4 results are already recorded."),
            models.CheckConstraint(
                name="ks4_values_in_range",
                condition=Q(attainment8__gte=0, attainment8__lte=90)
                & Q(english_grade__lte=9) & Q(maths_grade__lte=9),
                violation_error_message="Attainment 8 runs 0-90 and grades 0-9.",
            ),
        ]

    def __str__(self) -> str:
        return f"KS4 {academic_year_label(self.academic_year)}"


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class Attendance(models.Model):
    """Attendance and exclusions for one school term."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="attendance")
    academic_year = models.PositiveSmallIntegerField(validators=ACADEMIC_YEAR_VALIDATORS)
    term = models.CharField(max_length=6, choices=Term.choices)
    sessions_possible = models.PositiveSmallIntegerField()
    sessions_attended = models.PositiveSmallIntegerField()
    suspensions = models.PositiveSmallIntegerField(default=0, help_text="Fixed-period exclusions")
    permanently_excluded = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "academic_year", "term"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["young_person", "academic_year", "term"],
                                    name="one_attendance_per_term",
                                    violation_error_message="Attendance for this term is already recorded."),
            models.CheckConstraint(
                name="attended_within_possible",
                condition=Q(sessions_attended__lte=models.F("sessions_possible")),
                violation_error_message="Sessions attended cannot exceed sessions possible.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_term_display()} {academic_year_label(self.academic_year)}"

    @property
    def attendance_rate(self) -> float | None:
        return self.sessions_attended / self.sessions_possible if self.sessions_possible else None


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "Draft (awaiting the adviser)"
    CONFIRMED = "confirmed", "Confirmed"


class CareLeaverRecord(models.Model):
    """Activity and accommodation around a birthday (SSDA903 OC3; REFERENCE.md §3.10)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="care_leaver_records")
    age = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(17), MaxValueValidator(25)],
        help_text="The birthday this record is for (17 to 21; 22 to 25 at latest contact).",
    )
    recorded_on = models.DateField()
    in_touch = models.CharField("IN_TOUCH", max_length=4, choices=codes.choices(codes.IN_TOUCH))
    activity = models.CharField("ACTIV", max_length=2, choices=codes.choices(codes.ACTIVITY))
    accommodation = models.CharField("ACCOM", max_length=2,
                                     choices=codes.choices(codes.ACCOMMODATION))
    status = models.CharField(max_length=10, choices=RecordStatus.choices,
                              default=RecordStatus.CONFIRMED)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "age"]
        constraints = [
            models.UniqueConstraint(fields=["young_person", "age"], name="one_oc3_record_per_age",
                                    violation_error_message="A record for this birthday already exists."),
            models.CheckConstraint(
                name="oc3_codes_valid",
                condition=Q(in_touch__in=list(codes.IN_TOUCH))
                & Q(activity__in=list(codes.ACTIVITY))
                & Q(accommodation__in=list(codes.ACCOMMODATION))
                & Q(age__gte=17, age__lte=25),
                violation_error_message="An OC3 code is not in its code list.",
            ),
            # Validator rules 344/345 (REFERENCE.md §4.1 d5).
            models.CheckConstraint(
                name="oc3_died_or_home_has_no_activity",
                condition=~Q(in_touch__in=["DIED", "RHOM"]) | Q(activity="0", accommodation="0"),
                violation_error_message="When the young person died or returned home, activity and accommodation are 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"Age {self.age}: {self.in_touch} {self.activity} {self.accommodation}"

    @property
    def in_eet(self) -> bool | None:
        if self.activity in codes.EET_ACTIVITIES:
            return True
        if self.activity in codes.NEET_ACTIVITIES:
            return False
        return None

    @property
    def suitably_housed(self) -> bool | None:
        if self.accommodation == "0":
            return None
        return self.accommodation.endswith("1")


class BenchmarkMeasure(models.TextChoices):
    KS2_RWM_EXPECTED = "ks2_rwm_expected", "KS2 reading, writing and maths at expected standard (%)"
    KS4_ATTAINMENT8 = "ks4_attainment8", "KS4 Attainment 8 (average points)"
    KS4_EM_GRADE4 = "ks4_em_grade4", "KS4 English and maths grade 4 or above (%)"
    KS4_EM_GRADE5 = "ks4_em_grade5", "KS4 English and maths grade 5 or above (%)"
    LONG_TERM_STABILITY = "long_term_stability", "Long-term placement stability (%)"
    THREE_PLUS_IN_TWO_YEARS = "three_plus_two_years", "3 or more placements in 2 years (%)"
    THREE_PLUS_IN_YEAR = "three_plus_year", "3 or more placements in the year (%)"
    CARE_LEAVERS_IN_TOUCH_19_21 = "cl_in_touch_19_21", "Care leavers 19-21 in touch (%)"
    CARE_LEAVERS_SUITABLE_19_21 = "cl_suitable_19_21", "Care leavers 19-21 in suitable accommodation (%)"


class BenchmarkCohort(models.TextChoices):
    ALL_PUPILS = "all_pupils", "All pupils"
    NON_CLA = "non_cla", "Pupils not looked after"
    CLA_31_MARCH = "cla_31_march", "Children looked after at 31 March"
    CLA_12_MONTHS = "cla_12_months", "Children looked after continuously for 12 months"
    CARE_LEAVERS = "care_leavers", "Care leavers"


class NationalBenchmark(models.Model):
    """A national figure to compare the authority against (REFERENCE.md §5), with its source."""

    academic_year = models.PositiveSmallIntegerField(validators=ACADEMIC_YEAR_VALIDATORS)
    measure = models.CharField(max_length=30, choices=BenchmarkMeasure.choices)
    cohort = models.CharField(max_length=20, choices=BenchmarkCohort.choices)
    value = models.DecimalField(max_digits=6, decimal_places=2)
    source = models.URLField(max_length=500)
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "academic_year", "cohort"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "measure", "cohort"],
                                    name="one_benchmark_per_year_measure_cohort",
                                    violation_error_message="This benchmark is already recorded."),
        ]

    def __str__(self) -> str:
        return (f"{self.get_measure_display()}, {self.get_cohort_display()}, "
                f"{academic_year_label(self.academic_year)}: {self.value}")
