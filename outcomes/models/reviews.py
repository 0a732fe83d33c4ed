"""Reviews, assessments, visits and contacts: the statutory events the schedule counts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from outcomes import codes
from outcomes.rules.years import CollectionYear

from .people import User, YoungPerson
from .plans import PathwayPlan


class CLAReview(models.Model):
    """A looked-after child review (CPPCR 2010 reg 32-33), chaired by the IRO."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="cla_reviews")
    held_on = models.DateField()
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="chaired_reviews")
    participation = models.CharField(
        "Participation (REVIEW_CODE)", max_length=3,
        choices=codes.choices(codes.REVIEW_PARTICIPATION),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "held_on"]
        verbose_name = "CLA review"
        constraints = [
            models.UniqueConstraint(fields=["young_person", "held_on"],
                                    name="one_cla_review_per_day",
                                    violation_error_message="A review is already recorded that day."),
            models.CheckConstraint(
                name="cla_review_participation_valid",
                condition=Q(participation__in=list(codes.REVIEW_PARTICIPATION)),
                violation_error_message="Participation must be PN0 to PN7.",
            ),
        ]

    def __str__(self) -> str:
        return f"CLA review {self.held_on:%d/%m/%Y}"


class PathwayPlanReview(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="pathway_plan_reviews")
    plan = models.ForeignKey(PathwayPlan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="reviews")
    held_on = models.DateField()
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "held_on"]

    def __str__(self) -> str:
        return f"Pathway plan review {self.held_on:%d/%m/%Y}"


class NeedsAssessment(models.Model):
    """The assessment of an eligible child's needs, due within 3 months of their 16th birthday
    (or of becoming eligible after it), before the pathway plan (CPPCR 2010 reg 41-43)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="needs_assessments")
    completed_on = models.DateField()
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "completed_on"]

    def __str__(self) -> str:
        return f"Needs assessment {self.completed_on:%d/%m/%Y}"


class PEPReview(models.Model):
    """A personal education plan meeting: at the start of care, then every school term."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="pep_reviews")
    held_on = models.DateField()
    school_urn = models.CharField("School URN", max_length=8, blank=True)
    summary = models.TextField(blank=True)
    targets = models.TextField(blank=True, default="", db_default="", help_text="The targets agreed at the meeting, one a "
                                                      "line: the child's own, so they see them.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "held_on"]
        verbose_name = "PEP review"

    def __str__(self) -> str:
        return f"PEP {self.held_on:%d/%m/%Y}"


class HealthAssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial health assessment"
    REVIEW = "review", "Review health assessment"


class HealthAssessment(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="health_assessments")
    kind = models.CharField(max_length=8, choices=HealthAssessmentKind.choices)
    held_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"


class OutcomesRecord(models.Model):
    """Outcomes of a child looked after continuously for 12 months at 31 March (SSDA903 OC2),
    one per collection year (named by the year it ends: 2025 = 2024/25). Blank = not asked."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="outcomes_records")
    collection_year = models.PositiveSmallIntegerField()
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField("Reason for no SDQ score", max_length=4, blank=True,
                                  choices=codes.choices(codes.SDQ_REASON))
    convicted = models.BooleanField("Convicted, warned or reprimanded", null=True, blank=True)
    health_check = models.BooleanField("Development assessments up to date (under 5)",
                                       null=True, blank=True)
    immunisations = models.BooleanField("Immunisations up to date", null=True, blank=True)
    teeth_check = models.BooleanField("Teeth checked", null=True, blank=True)
    health_assessment = models.BooleanField("Annual health assessment", null=True, blank=True)
    substance_misuse = models.BooleanField("Substance misuse problem identified", null=True,
                                           blank=True)
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "collection_year"]
        verbose_name = "OC2 outcomes record"
        constraints = [
            models.UniqueConstraint(fields=["young_person", "collection_year"],
                                    name="one_outcomes_record_per_year",
                                    violation_error_message="This year's outcomes are already recorded."),
            models.CheckConstraint(
                name="outcomes_sdq_valid",
                condition=(Q(sdq_score__isnull=True) | Q(sdq_score__lte=40, sdq_reason=""))
                & Q(sdq_reason__in=["", *codes.SDQ_REASON]),
                violation_error_message="An SDQ score runs 0 to 40, and then no reason is given.",
            ),
        ]

    def __str__(self) -> str:
        return f"OC2 outcomes {CollectionYear(self.collection_year).label}"


class SocialWorkerVisit(models.Model):
    """A statutory visit (CPPCR 2010 reg 28)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="social_worker_visits")
    visited_on = models.DateField()
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seen_alone = models.BooleanField(
        null=True, blank=True, help_text="Unknown when not recorded; a child may refuse to be seen alone."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "visited_on"]

    def __str__(self) -> str:
        return f"Visit {self.visited_on:%d/%m/%Y}"


class ContactMethod(models.TextChoices):
    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message"
    EMAIL = "email", "Email"
    OFFICE = "office", "Office meeting"


class PAContact(models.Model):
    """A personal adviser's contact with a care leaver (CL 2010 reg 8: keep a written record)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="pa_contacts")
    contact_on = models.DateField()
    adviser = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8, choices=ContactMethod.choices)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "contact_on"]
        verbose_name = "PA contact"

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.contact_on:%d/%m/%Y}"
