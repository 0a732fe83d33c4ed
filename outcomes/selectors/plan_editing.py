"""Reads for changing a pathway plan: the plan staff work on with every heading and goal, who
may own a goal, and who saved a plan or goal after a given version (for a form that went stale).

The writes themselves are `outcomes.services.plan_update`, `goal_create` and `goal_update`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Prefetch, Q, When

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Allocation,
    Goal,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    Role,
    User,
)


@dataclass(frozen=True)
class SectionForEditing:
    heading: PlanHeading
    section: PlanSection | None  # None while the plan has nothing under this heading
    assessment: str
    goals: tuple[Goal, ...]  # every goal, dropped ones too, each with its owner


@dataclass(frozen=True)
class PlanForEditing:
    plan: PathwayPlan
    sections: tuple[SectionForEditing, ...]  # all ten headings, in the statutory order

    def section(self, heading: str) -> SectionForEditing | None:
        return next((item for item in self.sections if item.heading == heading), None)


@dataclass(frozen=True)
class Save:
    """One save of a record after the version a form was read at."""

    version: int
    by: User | None
    at: dt.datetime


@dataclass(frozen=True)
class OwnerChoice:
    user: User
    label: str  # their name and why they are offered: "Sam Adviser (personal adviser)"


def plan_for_editing(*, viewer: User, young_person: int) -> PlanForEditing | None:
    """The plan staff work on - the current (agreed) plan, or the draft while none is agreed -
    with its ten headings in the statutory order, each with its assessment and goals. None when
    the young person has no such plan. Raises NotVisible outside the viewer's scope for plans.
    Three queries."""
    access.require_view(viewer, young_person, Area.PLANS)
    plan = (PathwayPlan.objects.filter(young_person_id=young_person,
                                       status__in=(PlanStatus.AGREED, PlanStatus.DRAFT))
            .order_by(Case(When(status=PlanStatus.AGREED, then=0), default=1), "-number")
            .first())
    if plan is None:
        return None
    by_heading = {section.heading: section for section in PlanSection.objects.filter(
        plan=plan).prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("owner").order_by("id")))}
    sections = []
    for heading in PlanHeading:
        section = by_heading.get(heading.value)
        sections.append(SectionForEditing(
            heading=heading, section=section,
            assessment=section.assessment if section else "",
            goals=tuple(section.goals.all()) if section else ()))
    return PlanForEditing(plan=plan, sections=tuple(sections))


def _saves(history, version: int) -> list[Save]:
    return [Save(version=row.version, by=row.history_user, at=row.history_date)
            for row in history.filter(version__gt=version).select_related("history_user")
            .order_by("history_date", "history_id")]


def plan_saves_since(*, viewer: User, plan: PathwayPlan, version: int) -> list[Save]:
    """Who saved the plan after `version`, and when, oldest first (from its history). Raises
    NotVisible outside the viewer's scope. Two queries."""
    access.require_view(viewer, plan.young_person_id, Area.PLANS)
    return _saves(PathwayPlan.history.filter(id=plan.pk), version)


def goal_saves_since(*, viewer: User, goal: Goal, version: int) -> list[Save]:
    """Who saved the goal after `version`, and when, oldest first. Raises NotVisible outside the
    viewer's scope. Two queries."""
    access.require_view(viewer, goal.section.plan.young_person_id, Area.PLANS)
    return _saves(Goal.history.filter(id=goal.pk), version)


def goal_owner_choices_for(*, viewer: User, young_person: int,
                           current: User | None = None) -> list[OwnerChoice]:
    """Who may own a goal on the young person's plan: the young person, the workers allocated to
    them now, and the viewer; `current` (a goal's owner now) is kept in the list even if no
    longer allocated. Raises NotVisible outside the viewer's scope. Two queries."""
    access.require_view(viewer, young_person, Area.PLANS)
    allocated = Allocation.objects.current().filter(young_person_id=young_person)
    workers = {row.worker_id: row for row in allocated.order_by("role")}
    wanted = (Q(young_person_id=young_person) | Q(pk__in=list(workers)) | Q(pk=viewer.pk)
              ) & Q(is_active=True)
    if current is not None:
        wanted |= Q(pk=current.pk)
    users = User.objects.filter(wanted).order_by("first_name", "last_name", "pk")
    choices = []
    for user in users:
        if user.role == Role.YOUNG_PERSON:
            why = "the young person"
        elif user.pk in workers:
            why = workers[user.pk].get_role_display().lower()
        else:
            why = user.get_role_display().lower()
        choices.append(OwnerChoice(user=user, label=f"{user} ({why})"))
    # The young person first: a goal of their own is the one most plans want.
    return sorted(choices, key=lambda choice: choice.user.role != Role.YOUNG_PERSON)
