"""The plan and goal writes themselves. They trust their caller: channels call the versions in
`plan_edits.py` (exported as `outcomes.services.*`), which decide access first."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from outcomes.models import (
    Channel,
    Goal,
    GoalProgress,
    GoalStatus,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    User,
    YoungPerson,
    YoungPersonView,
)

from ._save import validated_save
from .errors import StaleVersion
from .reminders import rescheduled


def plan_draft_create(*, actor: User, young_person: YoungPerson) -> PathwayPlan:
    """Start the next version of a young person's pathway plan as a draft with the ten statutory
    sections; the assessments are carried over from the current plan, if there is one."""
    with transaction.atomic():
        YoungPerson.objects.select_for_update().get(pk=young_person.pk)
        number = (young_person.pathway_plans.aggregate(n=Max("number"))["n"] or 0) + 1
        plan = validated_save(
            PathwayPlan(young_person=young_person, number=number, created_by=actor), actor=actor
        )
        current = {
            s.heading: s.assessment
            for s in PlanSection.objects.filter(
                plan__young_person=young_person, plan__status=PlanStatus.AGREED
            )
        }
        sections = [PlanSection(plan=plan, heading=heading, assessment=current.get(heading, ""))
                    for heading in PlanHeading]
        for section in sections:
            validated_save(section, actor=actor)
        return plan


def plan_agree(
    *, actor: User, plan: PathwayPlan, agreed_on: dt.date, expected_version: int
) -> PathwayPlan:
    """Agree a draft plan: it becomes the current plan and the previous one is superseded."""
    with transaction.atomic():
        locked = PathwayPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError({"status": "Only a draft plan can be agreed."})
        if agreed_on > timezone.localdate():
            raise ValidationError({"agreed_on": "A plan cannot be agreed in the future."})
        for previous in PathwayPlan.objects.select_for_update().filter(
            young_person_id=locked.young_person_id, status=PlanStatus.AGREED
        ):
            previous.status = PlanStatus.SUPERSEDED
            previous.version += 1
            validated_save(previous, actor=actor)
        locked.status = PlanStatus.AGREED
        locked.agreed_on = agreed_on
        locked.version += 1
        return rescheduled(validated_save(locked, actor=actor))


def goal_create(
    *, actor: User, section: PlanSection, description: str, owner: User | None,
    target_date: dt.date | None = None,
) -> Goal:
    """Add a goal to a plan section. Every goal has an owner: the person who sees it through."""
    with transaction.atomic():
        return validated_save(
            Goal(section=section, description=description, owner=owner, target_date=target_date),
            actor=actor,
        )


def goal_progress_record(
    *, actor: User, goal: Goal, status: GoalStatus, note: str = "", channel: Channel,
    expected_version: int,
) -> GoalProgress:
    """Record progress on a goal. Raises StaleVersion if the goal changed since it was read."""
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked)
        progress = GoalProgress(goal=locked, actor=actor, status=status, note=note,
                                channel=channel)
        progress.full_clean()
        locked.status = status
        locked.version += 1
        validated_save(locked, actor=actor)
        progress.save()
        return progress


def young_person_view_record(
    *, actor: User, section: PlanSection, text: str, expressed_on: dt.date, channel: Channel
) -> YoungPersonView:
    """Keep what the young person said, in their own words, apart from the worker's analysis."""
    if not text.strip():
        raise ValidationError({"text": "Write down what the young person said."})
    if expressed_on > timezone.localdate():
        raise ValidationError({"expressed_on": "This date is in the future."})
    with transaction.atomic():
        return validated_save(
            YoungPersonView(section=section, text=text.strip(), expressed_on=expressed_on,
                            recorded_by=actor, channel=channel),
            actor=actor,
        )
