"""Pathway plans: versioned, in the ten statutory sections, with goals, actions and progress,
and the young person's own views kept apart from the worker's analysis."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import Channel
from .people import User, YoungPerson


class PlanHeading(models.TextChoices):
    """Care Leavers (England) Regulations 2010 Schedule 1 (REFERENCE.md §2), in its order."""

    SUPPORT_CONTACT = "support_contact", "Contact and personal support"
    EDUCATION_TRAINING = "education_training", "Education and training"
    EMPLOYMENT = "employment", "Employment and purposeful activity"
    CONTINGENCY = "contingency", "Contingency plans"
    ACCOMMODATION = "accommodation", "Accommodation"
    RELATIONSHIPS = "relationships", "Family and social relationships"
    INDEPENDENT_LIVING_SKILLS = "independent_living_skills", "Skills for living independently"
    FINANCE = "finance", "Financial support"
    HEALTH = "health", "Health, including mental health"
    IDENTITY = "identity", "Identity: religion, culture, language"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed (current)"
    SUPERSEDED = "superseded", "Superseded"


class PathwayPlan(models.Model):
    """One version of a young person's pathway plan. Exactly one agreed plan is current."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="pathway_plans"
    )
    number = models.PositiveIntegerField(help_text="1 for the first plan, then 2, 3, ...")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    agreed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="For optimistic concurrency.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(status=PlanStatus.AGREED),
                name="one_current_plan_per_young_person",
                violation_error_message="This young person already has a current (agreed) plan.",
            ),
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(status=PlanStatus.DRAFT),
                name="one_draft_plan_per_young_person",
                violation_error_message="This young person already has a draft plan.",
            ),
            models.UniqueConstraint(
                fields=["young_person", "number"], name="plan_number_unique",
                violation_error_message="A plan with this number already exists.",
            ),
            models.CheckConstraint(
                name="plan_agreed_has_date",
                condition=Q(status=PlanStatus.DRAFT) | Q(agreed_on__isnull=False),
                violation_error_message="An agreed plan needs the date it was agreed.",
            ),
            models.CheckConstraint(
                name="plan_status_valid", condition=Q(status__in=PlanStatus.values),
                violation_error_message="Unknown plan status.",
            ),
        ]

    def __str__(self) -> str:
        return f"Pathway plan {self.number} ({self.get_status_display().lower()})"


class PlanSection(models.Model):
    """One statutory heading of a plan: the worker's assessment of need and the goals."""

    plan = models.ForeignKey(PathwayPlan, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=30, choices=PlanHeading.choices)
    assessment = models.TextField("Assessment of need", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "heading"], name="one_section_per_heading",
                                    violation_error_message="The plan already has this section."),
        ]

    def __str__(self) -> str:
        return self.get_heading_display()


class YoungPersonView(models.Model):
    """What the young person said, in their own words, dated and attributed."""

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="views")
    text = models.TextField("In their own words")
    expressed_on = models.DateField()
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+",
        help_text="Who wrote it down: the young person themselves, or the worker who heard it.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section_id", "expressed_on", "id"]
        verbose_name = "young person's view"

    def __str__(self) -> str:
        return f"View of {self.expressed_on:%d/%m/%Y}"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    STARTED = "started", "Started"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class Goal(models.Model):
    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="owned_goals",
        help_text="Who makes sure it happens.",
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=GoalStatus.choices,
                              default=GoalStatus.NOT_STARTED)
    version = models.PositiveIntegerField(default=1, help_text="For optimistic concurrency.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["section_id", "id"]
        constraints = [
            models.CheckConstraint(name="goal_status_valid",
                                   condition=Q(status__in=GoalStatus.values),
                                   violation_error_message="Unknown goal status."),
        ]

    def __str__(self) -> str:
        return self.description


class GoalAction(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_actions")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.description


class GoalProgress(models.Model):
    """One entry in a goal's progress log: who, when, through which channel. Append-only."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=GoalStatus.choices)
    note = models.CharField(max_length=1000, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal_id", "recorded_at", "id"]
        verbose_name_plural = "goal progress"

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.recorded_at:%d/%m/%Y})"
